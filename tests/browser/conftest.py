"""Fixtures the browser tests share."""

import pytest


@pytest.fixture
def fresh_page(browser, live_server):
    contexts = []

    def new_page():
        context = browser.new_context(base_url=live_server.url, locale="en-GB")
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        return page

    yield new_page
    for context in contexts:
        context.close()
