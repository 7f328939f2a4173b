"""The media hub (SFU): forwards encoded call media between participants and to recorders.

Other parts of cunneng use MediaWorkerPool (in-process with workers=0) and MediaConfig;
recorders implement CallRecording / PacketSink.
"""

from .config import MediaConfig
from .exceptions import MediaError
from .hub import MediaHub
from .pool import MediaWorkerPool
from .recording import CallRecording, PacketSink

__all__ = [
    "CallRecording",
    "MediaConfig",
    "MediaError",
    "MediaHub",
    "MediaWorkerPool",
    "PacketSink",
]
