"""What can go wrong in the recorder, the encrypted archive and replay."""


class RecordingsError(Exception):
    """Base class: every error raised by the recordings package."""


class InvalidArchiveKey(RecordingsError):
    """The archive key is not 32 bytes (64 hex digits in a key file or configuration)."""


class InsecureKeyFile(RecordingsError):
    """The key file can be read by other users (it must be mode 0600)."""


class InvalidDigest(RecordingsError):
    """A stored file was named by something other than a SHA-256 hex digest."""


class StoredFileNotFound(RecordingsError):
    """No stored file has this digest (never stored, or deleted by retention)."""


class NotASealedFile(RecordingsError):
    """The file does not start with a known sealed-file or journal header."""


class DamagedStoredFile(RecordingsError):
    """A stored file cannot be read as it was written (文件已损坏)."""


class TamperedStoredFile(DamagedStoredFile):
    """A header or chunk failed authentication: the bytes on disk were changed."""


class TruncatedStoredFile(DamagedStoredFile):
    """The stored file is shorter than its authenticated header says."""


class UnsupportedCodec(RecordingsError):
    """The hub handed the recorder a codec it cannot store (vp8, h264 and opus only)."""


class DamagedKeyframe(RecordingsError):
    """A video keyframe gives no picture size, so no file can be started from it."""


class RecorderClosed(RecordingsError):
    """A packet or a party arrived after the call recorder was closed."""


class JournalInUse(RecordingsError):
    """Another recorder or recovery still holds this live journal's lock."""


class WorkDirClaimed(RecordingsError):
    """A running server (or another recovery) holds the recordings' work directory."""


class UnrecoverableRecording(RecordingsError):
    """A live journal holds no decodable media, so nothing can be archived from it."""


class RangeNotSatisfiable(RecordingsError):
    """An HTTP Range is malformed, asks for several ranges, or lies outside the file."""


class InvalidRetention(RecordingsError):
    """A retention period is not a whole number of days of at least one."""


class NoPictureThere(RecordingsError):
    """No picture can be decoded at that moment of the recording (past its end, or no video)."""

    def __init__(self, message_zh: str, message_en: str) -> None:
        super().__init__(message_en)
        self.message_zh = message_zh
        self.message_en = message_en
