"""The one place insight reads termly returns' rules from, so moving the returns module is one edit."""

from schools.returns.selectors import authority_trend, expected_schools, trend_terms  # noqa: F401
