"""Personal pay estimates: LightGBM quantile models of log pay (P10, P50, P90), calibrated
by split conformal prediction, explained by factor contributions in dollars, and an
evaluation against plain baselines.

Modules: `features` (requests and rows to features, training data), `model` (training,
calibration, persistence), `conformal` (CQR, Mondrian), `explain` (contributions),
`evaluate` (metrics and baselines), `service` (the API below). Money is annual US dollars
of full-time base pay.
"""

from paybench.estimate.evaluate import EvaluationReport, MetricRow
from paybench.estimate.model import ModelInfo, ensure_model
from paybench.estimate.service import (
    BatchResult,
    Contribution,
    Estimate,
    EstimateRequest,
    estimate_batch,
    estimate_one,
    evaluate,
    train,
)

__all__ = [
    "BatchResult", "Contribution", "Estimate", "EstimateRequest", "EvaluationReport", "MetricRow",
    "ModelInfo", "ensure_model", "estimate_batch", "estimate_one", "evaluate", "train",
]
