"""Static files for production: hashed names, pre-compressed copies (WhiteNoise), and the hashed
names followed into our JavaScript modules' imports too, so every file a page loads is served with
`Cache-Control: immutable` and a repeat visit fetches nothing but the page (issue 20)."""

from django.contrib.staticfiles.storage import HashedFilesMixin
from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticStorage(CompressedManifestStaticFilesStorage):
    # static/js/app.mjs imports ../build/govuk-frontend.min.js: without this the import keeps the
    # unhashed name, which WhiteNoise can only cache for a minute. Django's own switch
    # (support_js_module_import_aggregation) covers *.js, which would also rewrite inside the
    # minified GOV.UK Frontend bundle; only our *.mjs modules get the import patterns.
    patterns = (
        *HashedFilesMixin.patterns,
        ("*.mjs", HashedFilesMixin._js_module_import_aggregation_patterns[1]),
    )
