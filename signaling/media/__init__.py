"""The media hub (SFU): forwards encoded call media between participants and to recorders."""

from .config import MediaConfig
from .exceptions import MediaError
from .hub import MediaHub
from .recording import CallRecording, PacketSink

__all__ = ["CallRecording", "MediaConfig", "MediaError", "MediaHub", "PacketSink"]
