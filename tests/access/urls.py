"""Every URL pattern the project defines, so that a new view cannot escape the access matrix."""

from django.urls import URLPattern, URLResolver, get_resolver


def all_url_names():
    """{"namespace:name": URLPattern} for every named pattern, Django's own admin site excepted."""
    found = {}

    def walk(patterns, namespace):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if pattern.namespace == "admin":
                    continue
                inner = ":".join(part for part in (namespace, pattern.namespace) if part)
                walk(pattern.url_patterns, inner)
            elif isinstance(pattern, URLPattern) and pattern.name:
                found[f"{namespace}:{pattern.name}" if namespace else pattern.name] = pattern

    walk(get_resolver().url_patterns, "")
    return found
