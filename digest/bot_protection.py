"""Recognising bot protection: a response that is a challenge or block page of a CDN's or firewall's
bot defence, not the publisher's own answer.

Such a source is reported as blocked and tried again later (digest.records.blocked_wait); it is
never evaded (no other User-Agent, no browser, no retry in the same run). What each provider's
challenge looks like is data, in PROVIDERS:

- `challenge_headers`: a header that says "this is a challenge" whatever the status;
- `strong`: text only that provider's challenge or block pages carry;
- `weak`: text such pages carry that an ordinary page might too, counted only with one of the
  provider's own `headers` (a `Server: cloudflare` 403 whose page says "Just a moment...").

Page text is matched in lower case against the first PEEK_BYTES of the body.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

CHALLENGE_STATUSES = (403, 503)
PEEK_BYTES = 64 * 1024


@dataclass(frozen=True)
class Provider:
    name: str
    headers: tuple[tuple[str, str], ...] = ()  # (header, text its value contains; "" for any value)
    challenge_headers: tuple[tuple[str, str], ...] = ()
    strong: tuple[str, ...] = ()
    weak: tuple[str, ...] = ()


PROVIDERS = (
    Provider("Cloudflare", headers=(("server", "cloudflare"), ("cf-ray", "")),
             challenge_headers=(("cf-mitigated", "challenge"),),
             strong=("/cdn-cgi/challenge-platform/", "window._cf_chl_opt", "cf-chl-widget", "cf_chl_opt"),
             weak=("<title>just a moment...</title>", "attention required! | cloudflare", "checking your browser",
                   "enable javascript and cookies to continue", "cf-error-details")),
    Provider("Akamai", headers=(("server", "akamaighost"), ("akamai-grn", "")),
             strong=("errors.edgesuite.net", "/_sec/cp_challenge/"),
             weak=("access denied", "you don't have permission to access")),
    Provider("Imperva", headers=(("x-iinfo", ""), ("x-cdn", "imperva"), ("x-cdn", "incapsula")),
             strong=("_incapsula_resource", "incapsula incident id"),
             weak=("request unsuccessful",)),
    Provider("DataDome", headers=(("x-datadome", ""), ("x-dd-b", "")),
             strong=("captcha-delivery.com",),
             weak=("datadome",)),
    Provider("Sucuri", headers=(("x-sucuri-id", ""), ("x-sucuri-block", ""), ("server", "sucuri")),
             strong=("sucuri_cloudproxy_js", "sucuri website firewall - access denied", "cloudproxy@sucuri.net"),
             weak=("access denied", "sucuri website firewall")),
    Provider("AWS WAF", headers=(("x-amzn-waf-action", ""),),
             challenge_headers=(("x-amzn-waf-action", "challenge"), ("x-amzn-waf-action", "captcha")),
             strong=("awswafintegration", "awswafcookiedomainlist")),
)


def challenge_in_headers(headers: Mapping[str, str]) -> str | None:
    """The provider whose headers say this response is a challenge, whatever its status."""
    for provider in PROVIDERS:
        if _has_header(headers, provider.challenge_headers):
            return provider.name
    return None


def challenge_in_page(headers: Mapping[str, str], page: bytes) -> str | None:
    """The provider whose challenge or block page this is (for a 403 or 503 answer)."""
    text = page[:PEEK_BYTES].decode("utf-8", "replace").lower()
    for provider in PROVIDERS:
        if any(marker in text for marker in provider.strong):
            return provider.name
        if _has_header(headers, provider.headers) and any(marker in text for marker in provider.weak):
            return provider.name
    return None


def interstitial(page: bytes) -> str | None:
    """The provider whose challenge a page that loaded (200) shows instead of the listing: strong
    markers only, since an ordinary page may say "access denied" or mention Cloudflare."""
    text = page[:PEEK_BYTES].decode("utf-8", "replace").lower()
    return next((p.name for p in PROVIDERS if any(marker in text for marker in p.strong)), None)


def _has_header(headers: Mapping[str, str], wanted: tuple[tuple[str, str], ...]) -> bool:
    given = {name.lower(): value.lower() for name, value in headers.items()}
    return any(name in given and value in given[name] for name, value in wanted)
