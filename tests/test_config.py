"""Configuration: defaults without secrets, ${ENV} in the file, env overrides, clear errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import ConfigError, load_config

ROOT = Path(__file__).resolve().parent.parent


def test_defaults_need_no_file_and_no_secrets():
    config = load_config({})
    assert (config.server.host, config.server.port) == ("127.0.0.1", 8080)
    assert config.database.path == "data/migran-aman.db"
    assert config.session.timeout_minutes == 30
    assert config.telegram.token == "" and config.whatsapp.token == ""


def test_example_config_is_valid_and_documents_every_key():
    example = (ROOT / "config.example.yaml").read_text()
    config = load_config({"BOT_CONFIG": str(ROOT / "config.example.yaml")})
    for section, model in config:
        for key in type(model).model_fields:
            assert f"{key}:" in example, f"{section}.{key} is not in config.example.yaml"
    assert config.telegram.token == ""


def test_environment_variables_override_the_file(tmp_path):
    path = tmp_path / "c.yaml"
    path.write_text(
        "server:\n  port: 9000\ntelegram:\n  token: ${MY_TOKEN}\n"
        "whatsapp:\n  api_url: ${GRAPH:-http://localhost:1/v1}\n"
    )
    config = load_config(
        {
            "BOT_CONFIG": str(path),
            "BOT_PORT": "9100",
            "MY_TOKEN": "abc",
            "OFFICER_TELEGRAM_IDS": "11, 22",
            "OFFICER_CHAT_ID": "-100",
            "BOT_DB": "/tmp/x.db",
        }
    )
    assert config.server.port == 9100
    assert config.telegram.token == "abc"
    assert config.whatsapp.api_url == "http://localhost:1/v1"
    assert config.officers.telegram_ids == [11, 22] and config.officers.chat_id == -100
    assert config.database.path == "/tmp/x.db"


def test_unknown_key_names_file_line_and_allowed_keys(tmp_path):
    path = tmp_path / "c.yaml"
    path.write_text("server:\n  host: 0.0.0.0\n  prot: 80\n")
    with pytest.raises(ConfigError) as error:
        load_config({"BOT_CONFIG": str(path)})
    assert f"{path}:3: server.prot: unknown key; allowed: host, port" in str(error.value)


def test_bad_value_names_the_key(tmp_path):
    path = tmp_path / "c.yaml"
    path.write_text("session:\n  timeout_minutes: forever\n")
    with pytest.raises(ConfigError) as error:
        load_config({"BOT_CONFIG": str(path)})
    assert f"{path}:2: session.timeout_minutes:" in str(error.value)


def test_bad_environment_value_names_the_variable():
    with pytest.raises(ConfigError) as error:
        load_config({"BOT_PORT": "eighty"})
    assert "environment BOT_PORT: server.port:" in str(error.value)


def test_missing_config_file_is_reported():
    with pytest.raises(ConfigError, match=r"BOT_CONFIG=/nope\.yaml: no such file"):
        load_config({"BOT_CONFIG": "/nope.yaml"})


def test_quiet_hours_with_a_time_zone_are_refused_at_start_up(tmp_path):
    path = tmp_path / "c.yaml"
    path.write_text('notices:\n  quiet_from: "21:00+07:00"\n')
    with pytest.raises(ConfigError) as error:
        load_config({"BOT_CONFIG": str(path)})
    assert f"{path}:2: notices.quiet_from" in str(error.value)
    assert "without a time zone" in str(error.value)
