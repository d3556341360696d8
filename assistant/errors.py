"""Errors the library raises; interfaces turn them into plain messages, never stack traces."""


class AssistantError(Exception):
    """Base class: the message says what went wrong and what to do next."""


class UnreadableFile(AssistantError):
    """A file could not be turned into text. Other files are unaffected."""

    def __init__(self, path: str, reason: str):
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


class IndexNotBuilt(AssistantError):
    def __init__(self, index_dir: str):
        super().__init__(
            f"No documents are indexed in {index_dir}. Run `assistant ingest` first."
        )


class IndexUnavailable(AssistantError):
    """The Chroma server did not answer (restarting, or the network): worth asking again."""

    def __init__(self):
        super().__init__("The index server is not answering just now (it may be restarting). "
                         "Please try again in a moment.")


class IndexBusy(AssistantError):
    """The index is locked by another process for longer than we are willing to wait."""
