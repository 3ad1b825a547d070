"""Reading what the bank gives: OFX/QFX statements, CSV exports, Interac deposit notifications.

Each parser returns the statement's **credits** (money in) as ``ParsedLine``s, debits left out,
or raises ``StatementError`` with a translated message (nothing is stored then). Every line
carries a ``fingerprint`` (SHA-256, hex) that is the same when the same statement is read
again, so that an import recognises the lines it already has:

- OFX/QFX (``ofxtools``): bank id, account id and the bank's own transaction id (FITID);
- without such an id (CSV, OFX without FITID, a notification without reference number): the
  date, amount, description and reference, plus the line's rank among identical lines of the
  same file (two identical coffees the same day stay two lines);
- Interac notification: the transfer's reference number given by Interac.
"""

import csv
import datetime
import email
import email.policy
import hashlib
import html
import io
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from email.utils import parsedate_to_datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from comptoir.core.errors import DomainError
from comptoir.core.money import AmountError, parse_amount
from comptoir.core.text import fold

MAX_LINES = 20000
MAX_TEXT = 300


class StatementError(DomainError):
    pass


@dataclass
class ParsedLine:
    posted_on: datetime.date
    amount: Decimal
    description: str
    reference: str = ""
    payer_name: str = ""
    method: str = "transfer"  # payments.Payment.Method: « interac » or « transfer »
    key: str = field(default="", repr=False)  # the bank's own id of the line, when it has one
    fingerprint: str = ""


def method_of(text: str) -> str:
    """« interac » when the bank's description names an e-Transfer, else « transfer »."""
    folded = fold(text)
    words = ("interac", "e transfer", "etransfer", "virement electronique", "vir int", "courriel")
    return "interac" if any(word in folded for word in words) else "transfer"


def _digest(*parts) -> str:
    return hashlib.sha256("\x1f".join(str(part) for part in parts).encode()).hexdigest()


def fingerprint(lines: list[ParsedLine], kind: str) -> list[ParsedLine]:
    """Give each line its fingerprint (see the module's docstring)."""
    seen: dict[tuple, int] = {}
    for line in lines:
        if line.key:
            line.fingerprint = _digest(kind, line.key)
            continue
        identity = (line.posted_on.isoformat(), str(line.amount), line.description, line.reference)
        rank = seen.get(identity, 0)
        seen[identity] = rank + 1
        line.fingerprint = _digest(kind, *identity, rank)
    return lines


def _clip(text) -> str:
    return re.sub(r"\s+", " ", str(text or "")).strip()[:MAX_TEXT]


def _checked(lines: list[ParsedLine]) -> list[ParsedLine]:
    if len(lines) > MAX_LINES:
        raise StatementError(_("This statement has more than %(count)s lines: import it in parts.")
                             % {"count": MAX_LINES}, code="too_many_lines")
    return lines


# --- OFX / QFX ------------------------------------------------------------------------------


def _local_date(moment: datetime.datetime) -> datetime.date:
    """The day of an OFX date: its local day, except a bare date (read as midnight UTC)."""
    utc = moment.astimezone(datetime.UTC)
    if (utc.hour, utc.minute, utc.second) == (0, 0, 0):
        return utc.date()
    return timezone.localtime(moment).date()


def parse_ofx(data: bytes) -> list[ParsedLine]:
    """The credits of an OFX or QFX file (OFX 1.x SGML or 2.x XML), through ``ofxtools``."""
    from ofxtools.Parser import OFXTree

    tree = OFXTree()
    try:
        tree.parse(io.BytesIO(data))
        ofx = tree.convert()
        statements = list(ofx.statements)
    except Exception as error:  # ofxtools raises many kinds of errors for a bad file
        raise StatementError(_("This file is not a readable OFX or QFX statement."),
                             code="bad_ofx") from error
    if not statements:
        raise StatementError(_("This OFX file holds no bank statement."), code="no_statement")
    lines = []
    for statement in statements:
        account = statement.account
        account_id = f"{getattr(account, 'bankid', '') or ''}:{getattr(account, 'acctid', '') or ''}"
        for transaction in statement.transactions:
            amount = Decimal(transaction.trnamt)
            if amount <= 0:
                continue
            name, memo = _clip(transaction.name), _clip(transaction.memo)
            description = _clip(" ".join(part for part in (name, memo) if part))
            lines.append(ParsedLine(
                posted_on=_local_date(transaction.dtposted), amount=amount, description=description,
                reference=_clip(memo or transaction.checknum or "")[:120], payer_name=name,
                method=method_of(description),
                key=f"{account_id}:{transaction.fitid}" if transaction.fitid else "",
            ))
    return fingerprint(_checked(lines), "ofx")


# --- CSV ------------------------------------------------------------------------------------

DATE_FORMATS = [
    ("%Y-%m-%d", "2026-12-31"), ("%d/%m/%Y", "31/12/2026"), ("%m/%d/%Y", "12/31/2026"),
    ("%Y/%m/%d", "2026/12/31"), ("%d-%m-%Y", "31-12-2026"), ("%Y%m%d", "20261231"),
]


@dataclass
class CsvLayout:
    """How to read one bank's CSV (``banking.models.CsvMapping`` stores it per bank)."""

    date_column: str
    description_column: str
    amount_column: str
    reference_column: str = ""
    delimiter: str = ","
    decimal_comma: bool = False
    date_format: str = "%Y-%m-%d"


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise StatementError(_("This file is not text."), code="not_text")


def _csv_amount(text: str, decimal_comma: bool) -> Decimal:
    value = (text or "").replace("\u00a0", "").replace("\u202f", "").replace(" ", "").replace("$", "")
    value = value.replace(",", ".") if decimal_comma and "." not in value else value.replace(",", "")
    if decimal_comma and value.count(".") > 1:  # « 1.234,56 »
        whole, _point, cents = value.rpartition(".")
        value = whole.replace(".", "") + "." + cents
    if value.startswith("(") and value.endswith(")"):
        value = "-" + value[1:-1]
    try:
        amount = Decimal(value)
    except InvalidOperation:
        raise ValueError(text) from None
    if not amount.is_finite() or amount.as_tuple().exponent < -2:
        raise ValueError(text)
    return amount


def parse_csv(data: bytes, layout: CsvLayout) -> list[ParsedLine]:
    """The credits of a CSV export whose first row names the columns (``layout``)."""
    text = _decode(data)
    delimiter = "\t" if layout.delimiter in ("\\t", "tab") else layout.delimiter
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        rows = [row for row in reader if any(cell.strip() for cell in row)]
    except csv.Error as error:
        raise StatementError(_("This CSV file cannot be read: %(error)s") % {"error": error},
                             code="bad_csv") from error
    if not rows:
        raise StatementError(_("This CSV file is empty."), code="empty")
    header = [fold(cell) for cell in rows[0]]
    columns = {}
    for name in ("date", "description", "amount", "reference"):
        wanted = getattr(layout, f"{name}_column")
        if not wanted:
            continue
        if fold(wanted) not in header:
            raise StatementError(
                _("The column « %(column)s » is not in this file (its columns: %(found)s).")
                % {"column": wanted, "found": ", ".join(rows[0])}, code="missing_column")
        columns[name] = header.index(fold(wanted))
    lines = []
    for number, row in enumerate(rows[1:], start=2):
        cells = row + [""] * (len(header) - len(row))
        try:
            posted_on = datetime.datetime.strptime(cells[columns["date"]].strip(), layout.date_format).date()
        except ValueError:
            raise StatementError(_("Line %(line)s: « %(value)s » is not a date in the format %(format)s.")
                                 % {"line": number, "value": cells[columns["date"]],
                                    "format": dict(DATE_FORMATS).get(layout.date_format, layout.date_format)},
                                 code="bad_date") from None
        try:
            amount = _csv_amount(cells[columns["amount"]], layout.decimal_comma)
        except ValueError:
            raise StatementError(_("Line %(line)s: « %(value)s » is not an amount.")
                                 % {"line": number, "value": cells[columns["amount"]]},
                                 code="bad_amount") from None
        if amount <= 0:
            continue
        description = _clip(cells[columns["description"]])
        reference = _clip(cells[columns["reference"]])[:120] if "reference" in columns else ""
        lines.append(ParsedLine(posted_on=posted_on, amount=amount, description=description,
                                reference=reference, payer_name=description,
                                method=method_of(description)))
    return fingerprint(_checked(lines), "csv")


# --- Interac deposit notification ----------------------------------------------------------

# The wording of Interac's notifications (French and English), money deposited or to deposit.
_SENDER = [
    re.compile(r"^\s*(?:Bonjour|Hi|Hello)[^,\n]*,?\s*\n+\s*(?P<name>[^\n]+?)\s+"
               r"(?:vous a envoy[ée]|sent you|has sent you|a envoy[ée])", re.IGNORECASE | re.MULTILINE),
    re.compile(r"^\s*(?P<name>[^\n]+?)\s+(?:vous a envoy[ée]|sent you|has sent you)",
               re.IGNORECASE | re.MULTILINE),
    re.compile(r"(?:Exp[ée]diteur|Sent [Ff]rom|From)\s*:\s*(?P<name>[^\n]+)"),
]
_AMOUNT = [
    re.compile(r"(?P<amount>\d{1,3}(?:[ \u00a0\u202f]\d{3})*,\d{2})\s*\$"),  # 1 234,56 $
    re.compile(r"\$\s*(?P<amount>\d{1,3}(?:,\d{3})*\.\d{2})"),  # $1,234.56
]
_MESSAGE = re.compile(r"^\s*(?:Message|Note)\s*:\s*(?P<message>[^\n]*)", re.IGNORECASE | re.MULTILINE)
_REFERENCE = re.compile(r"(?:Num[ée]ro de r[ée]f[ée]rence|Reference [Nn]umber|R[ée]f[ée]rence)\s*:\s*"
                        r"(?P<reference>[A-Za-z0-9]{6,})")
_INTERAC = re.compile(r"interac", re.IGNORECASE)
_HEADER = re.compile(r"^[A-Za-z][A-Za-z0-9-]*:")


def _body_text(message) -> str:
    part = message.get_body(preferencelist=("plain", "html"))
    if part is None:
        return ""
    content = part.get_content()
    if part.get_content_type() == "text/html":
        content = re.sub(r"(?i)<br\s*/?>|</p>|</div>|</tr>|</h\d>", "\n", content)
        content = html.unescape(re.sub(r"<[^>]+>", " ", content))
    return content.replace("\r\n", "\n")


def parse_interac_email(data: bytes) -> list[ParsedLine]:
    """The transfer of an Interac deposit notification: a whole email (.eml, headers included) or
    its text pasted alone. Amount, sender, message and Interac's reference number are read from
    the French or English wording; the date is the email's, else today."""
    text = _decode(data) if isinstance(data, bytes) else data
    posted_on = timezone.localdate()
    if _HEADER.match(text.lstrip()):
        raw = data if isinstance(data, bytes) else text.encode()
        message = email.message_from_bytes(raw, policy=email.policy.default)
        body = _body_text(message)
        subject = str(message.get("Subject", ""))
        try:
            sent = parsedate_to_datetime(str(message.get("Date", "")))
            posted_on = timezone.localtime(sent).date() if sent.tzinfo else sent.date()
        except (TypeError, ValueError):
            pass
    else:
        body, subject = text, ""
    whole = f"{subject}\n{body}"
    if not _INTERAC.search(whole):
        raise StatementError(_("This is not an Interac e-Transfer notification."), code="not_interac")
    amount = None
    for pattern in _AMOUNT:
        found = pattern.search(whole)
        if found:
            try:
                amount = parse_amount(found.group("amount"))
            except AmountError:
                amount = None
            if amount is not None:
                break
    if amount is None or amount <= 0:
        raise StatementError(_("No amount was found in this Interac notification."), code="no_amount")
    name = ""
    for pattern in _SENDER:
        found = pattern.search(body)
        if found:
            name = _clip(found.group("name"))
            break
    found = _MESSAGE.search(body)
    note = _clip(found.group("message")) if found else ""
    found = _REFERENCE.search(body)
    interac_reference = found.group("reference") if found else ""
    description = _clip(" ".join(part for part in ("Interac", name, note) if part))
    line = ParsedLine(posted_on=posted_on, amount=amount, description=description,
                      reference=(note or interac_reference)[:120], payer_name=name, method="interac",
                      key=f"interac:{interac_reference}" if interac_reference else "")
    return fingerprint([line], "interac")
