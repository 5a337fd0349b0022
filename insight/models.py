# Insight's tables live in their packages; imported here so Django finds them.
from .board_report.models import BoardReport  # noqa: F401
from .indicators.models import Indicator, IndicatorTarget, ManualFigure  # noqa: F401
