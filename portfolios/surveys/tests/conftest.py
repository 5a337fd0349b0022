import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _empty_cache():
    """Rate limits and one-time submission tokens live in the cache: start every test without them."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def admin_user_hw(db):
    from accreditation.tests.factories import AdminFactory

    return AdminFactory()
