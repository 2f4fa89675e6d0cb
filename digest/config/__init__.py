"""The configuration: its schema (digest.config.schema) and reading it from a file (digest.config.loading)."""

from digest.config.alerts import AlertRule, Webhook
from digest.config.checks import parse_duration
from digest.config.loading import DEFAULT_CONFIG, config_path_from, effective_config, load_config
from digest.config.schema import (
    Classify,
    Config,
    Dedupe,
    DigestSettings,
    Email,
    Feeds,
    FeedSource,
    Fetch,
    FolderSource,
    Ingest,
    Recipient,
    Schedule,
    Server,
    Site,
    Smtp,
    Source,
    TopicOverride,
    WebpageSource,
)

__all__ = [
    "DEFAULT_CONFIG", "AlertRule", "Classify", "Config", "Dedupe", "DigestSettings", "Email", "FeedSource", "Feeds",
    "Fetch", "FolderSource", "Ingest", "Recipient", "Schedule", "Server", "Site", "Smtp", "Source", "TopicOverride",
    "Webhook", "WebpageSource", "config_path_from", "effective_config", "load_config", "parse_duration",
]
