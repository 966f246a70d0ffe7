"""Named exceptions. Only the CLI turns them into one-line messages and exit codes."""

from __future__ import annotations

from pathlib import Path


class PipelineError(Exception):
    """Base class for every error the CLI reports as one line."""


class UnusableInputError(PipelineError):
    """A source file that cannot be read as a document at all (empty, binary, undecodable)."""

    def __init__(self, path: Path | str, problem: str) -> None:
        self.path = str(path)
        self.problem = problem
        super().__init__(f"{self.path}: {problem}")


class ConfigurationError(PipelineError):
    """A missing folder, a bad option, or reference data that does not load."""
