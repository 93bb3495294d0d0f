"""The mail server proofs are sent through: `eventreport.smtp` in invoke.yaml.

    eventreport:
      smtp:
        host: smtp.example.org
        port: 587
        security: starttls        # starttls (default), tls (port 465) or none
        user: redactie@example.org               # optional: log in as
        password_env: EVENTREPORT_SMTP_PASSWORD  # the variable holding the password

The password is read from that environment variable only, never from a file, so it
cannot end up in the repository.
"""

from __future__ import annotations

import datetime as dt
import difflib
import os
import re
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import format_datetime
from types import TracebackType
from typing import Any, Literal

from ..errors import ConfigError, MailError
from ..i18n import _

Security = Literal["starttls", "tls", "none"]
WHERE = "invoke.yaml"
KEYS = {"host", "port", "security", "user", "password_env", "timeout"}
TIMEOUT = 60.0  # seconds a server may take to answer one command before we give up
_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


@dataclass(frozen=True)
class SmtpSettings:
    """How to reach the mail server."""

    host: str
    """Its name or address."""
    port: int
    """Its port (587 for STARTTLS, 465 for TLS, 25 plain)."""
    security: Security
    """starttls, tls or none."""
    user: str | None
    """Log in as this user; None sends without logging in."""
    password_env: str | None
    """The environment variable holding the password."""
    timeout: float = TIMEOUT
    """Seconds to wait for an answer."""

    def describe(self) -> str:
        """The server as a person checks it: host, port, security and login."""
        login = f", log in as {self.user}" if self.user else ", no login"
        return f"{self.host}:{self.port} ({self.security}{login})"


def smtp_settings(config: Any) -> SmtpSettings | None:
    """The settings under `eventreport.smtp`, or None when there are none."""
    if config is None or config == {}:
        return None
    if not isinstance(config, dict):
        raise _bad(None, _("must hold host: and port: indented below it"))
    for key in config:
        if key == "password":
            raise _bad(
                key,
                _(
                    "a password does not belong in a file; remove it, put it in an environment"
                    " variable and name that variable in password_env:"
                ),
            )
        if key not in KEYS:
            near = difflib.get_close_matches(str(key), sorted(KEYS), n=1)
            said = (
                _("'{key}' is not a setting; did you mean '{near}'?")
                if near
                else _("'{key}' is not a setting; use {keys}")
            )
            raise _bad(
                key,
                said.format(key=key, near=near[0] if near else "", keys=", ".join(sorted(KEYS))),
            )
    host = config.get("host")
    if not isinstance(host, str) or not host.strip() or any(c.isspace() for c in host.strip()):
        raise _bad("host", _("needs the mail server's name, e.g. smtp.example.org"))
    port = config.get("port")
    if not isinstance(port, int) or isinstance(port, bool) or not 0 < port < 65536:
        raise _bad(
            "port",
            _("'{port}' is not a port number; usually 587 (or 465 for tls)").format(port=port),
        )
    security = config.get("security", "starttls")
    if security not in ("starttls", "tls", "none"):
        raise _bad(
            "security", _("'{value}' is not one of starttls, tls, none").format(value=security)
        )
    user = config.get("user")
    if user is not None and (not isinstance(user, str) or not user.strip()):
        raise _bad("user", _("must be the user name to log in with, or be left out"))
    password_env = config.get("password_env")
    if user and not password_env:
        raise _bad(
            "password_env", _("user: is set, so name the environment variable with the password")
        )
    if password_env is not None and (
        not isinstance(password_env, str) or not _ENV_NAME.match(password_env)
    ):
        raise _bad(
            "password_env",
            _("'{value}' is not an environment variable's name").format(value=password_env),
        )
    if password_env and not user:
        raise _bad("user", _("password_env: is set, so give the user name to log in with too"))
    timeout = config.get("timeout", TIMEOUT)
    if not isinstance(timeout, int | float) or isinstance(timeout, bool) or not 0 < timeout <= 600:
        raise _bad(
            "timeout", _("'{value}' is not a number of seconds (1 to 600)").format(value=timeout)
        )
    return SmtpSettings(host.strip(), port, security, user, password_env, float(timeout))


def _bad(key: str | None, message: str) -> ConfigError:
    where = "eventreport.smtp" + (f".{key}" if key else "")
    return ConfigError(WHERE, f"{where}: {message}")


class Mailer:
    """One connection to the mail server, for sending a round's messages one by one."""

    def __init__(self, settings: SmtpSettings) -> None:
        self.settings = settings
        self._smtp: smtplib.SMTP | None = None

    def __enter__(self) -> Mailer:
        s = self.settings
        password = None
        if s.password_env:
            password = os.environ.get(s.password_env)
            if not password:
                raise ConfigError(
                    WHERE,
                    _(
                        "eventreport.smtp.password_env: the environment variable {name}"
                        " is not set; set it to the mail password for this session (it is never"
                        " read from a file)"
                    ).format(name=s.password_env),
                )
        try:
            if s.security == "tls":
                smtp: smtplib.SMTP = smtplib.SMTP_SSL(
                    s.host, s.port, timeout=s.timeout, context=ssl.create_default_context()
                )
            else:
                smtp = smtplib.SMTP(s.host, s.port, timeout=s.timeout)
            self._smtp = smtp
            if s.security == "starttls":
                smtp.starttls(context=ssl.create_default_context())
            if s.user and password:
                smtp.login(s.user, password)
        except smtplib.SMTPAuthenticationError as exc:
            self._close()
            raise MailError(
                WHERE,
                _(
                    "the mail server {host} refused the login of {user} ({reply});"
                    " check eventreport.smtp.user and the password in {name}."
                    " Nothing was sent."
                ).format(host=s.host, user=s.user, reply=_reply(exc), name=s.password_env),
            ) from None
        except smtplib.SMTPNotSupportedError:
            self._close()
            raise MailError(
                WHERE,
                _(
                    "the mail server {host}:{port} offers no STARTTLS; use the port it"
                    " offers encryption on (587, or 465 with security: tls). Nothing was sent."
                ).format(host=s.host, port=s.port),
            ) from None
        except (OSError, smtplib.SMTPException) as exc:
            self._close()
            raise MailError(
                WHERE,
                _(
                    "could not reach the mail server {server}: {problem};"
                    " check eventreport.smtp and the network. Nothing was sent."
                ).format(server=s.describe(), problem=exc or type(exc).__name__),
            ) from None
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self._close()

    def send(self, message: EmailMessage, envelope_from: str, to: str) -> str | None:
        """Send `message` to `to`, stamped with the time of sending; None when the server
        accepted it, else the server's reason for refusing it. MailError when the
        connection is lost (what was accepted before stays accepted)."""
        assert self._smtp is not None
        del message["Date"]
        message["Date"] = format_datetime(dt.datetime.now(dt.UTC).astimezone())
        try:
            refused = self._smtp.send_message(message, from_addr=envelope_from, to_addrs=[to])
        except smtplib.SMTPRecipientsRefused as exc:
            return "; ".join(_reply(r) for r in exc.recipients.values())
        except (smtplib.SMTPSenderRefused, smtplib.SMTPDataError) as exc:
            return _reply(exc)
        except (OSError, smtplib.SMTPException) as exc:
            raise MailError(
                WHERE,
                _("lost the connection to the mail server {host}: {problem}").format(
                    host=self.settings.host, problem=exc or type(exc).__name__
                ),
            ) from None
        if refused:
            return "; ".join(_reply(r) for r in refused.values())
        return None

    def _close(self) -> None:
        if self._smtp is not None:
            try:
                self._smtp.quit()
            except (OSError, smtplib.SMTPException):
                self._smtp.close()
            self._smtp = None


def _reply(exc: Any) -> str:
    """A server's answer as '550 no such user', from an exception or a (code, text) pair."""
    if isinstance(exc, tuple):
        code, text = exc[0], exc[1]
    else:
        code, text = getattr(exc, "smtp_code", ""), getattr(exc, "smtp_error", exc)
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    return " ".join(f"{code} {text}".split())[:300]
