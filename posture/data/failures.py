"""What a broken rule looks like: where it is, which rule, the value and how to fix it."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, order=True)
class Failure:
    """One broken rule: where it is, which rule, and the offending value."""

    file: str
    line: int | None
    column: str | None
    rule: str
    value: str
    hint: str = field(default="", compare=False)

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        column = f" column {self.column!r}" if self.column else ""
        hint = f" ({self.hint})" if self.hint else ""
        return f"{where}:{column} breaks {self.rule}: {self.value}{hint}"


class DataValidationError(Exception):
    """The data directory does not satisfy the data contract; ``failures`` says where and why."""

    def __init__(self, failures: list[Failure]):
        self.failures = sorted(failures, key=lambda f: (f.file, f.line or 0, f.column or ""))
        super().__init__(f"{len(self.failures)} problem(s) in the data:\n" + self.report())

    def report(self) -> str:
        """One line per failure, ready to print."""
        return "\n".join(str(f) for f in self.failures)
