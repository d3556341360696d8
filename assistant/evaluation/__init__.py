"""The known-facts evaluation and its gate (see run.py); checks shared with the baseline."""

from assistant.evaluation.checks import check, load_dataset
from assistant.evaluation.report import format_summary
from assistant.evaluation.suggestions import suggestion_quality
from assistant.evaluation.run import (
    by_tag,
    calibrate,
    gate,
    run,
    suggestion_coverage,
    summarise,
    union,
)

__all__ = ["by_tag", "calibrate", "check", "format_summary", "gate", "load_dataset", "run", "suggestion_coverage",
           "suggestion_quality", "summarise", "union"]
