"""Training procedures: how each task trains, evaluates, predicts and generates."""

from .base import EvalContext, GenerateRequest, Procedure, StepContext

__all__ = ["EvalContext", "GenerateRequest", "Procedure", "StepContext"]
