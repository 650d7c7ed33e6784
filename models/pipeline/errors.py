"""One exception type for input the pipeline cannot use; the CLI prints its message and exits 2."""


class PipelineError(Exception):
    """Bad input or missing artefact, with a message that says what to do next."""
