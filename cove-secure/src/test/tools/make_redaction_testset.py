#!/usr/bin/env python3
"""Writes src/test/resources/redaction/labelled-spans.txt, the labelled set that
RedactionQualityTest scores the redactor on. Deterministic (fixed seed): rerunning it gives the
same file. Values are synthetic: valid checksums where the format has one, never real people.

Format: one example per line; a labelled span is written [[LABEL|text]]; lines starting with
'#' are comments. Lines without spans are negatives: nothing on them may be redacted."""
import random
import sys

R = random.Random(20240531)
out = []


def L(label, text):
    return "[[%s|%s]]" % (label, text)


def luhn_complete(prefix, length):
    digits = [int(c) for c in prefix]
    while len(digits) < length - 1:
        digits.append(R.randrange(10))
    for check in range(10):
        ds = digits + [check]
        s = 0
        for i, d in enumerate(reversed(ds)):
            if i % 2 == 1:
                d *= 2
                if d > 9:
                    d -= 9
            s += d
        if s % 10 == 0:
            return "".join(map(str, ds))


def luhn_broken(prefix, length):
    good = luhn_complete(prefix, length)
    last = (int(good[-1]) + R.randrange(1, 10)) % 10
    return good[:-1] + str(last)


def group(s, sizes, sep):
    parts, i = [], 0
    for n in sizes:
        parts.append(s[i:i + n])
        i += n
    if i < len(s):
        parts.append(s[i:])
    return sep.join(parts)


def card(valid=True):
    kind = R.choice(["visa", "visa", "mc", "mc2", "amex", "disc"])
    if kind == "visa":
        n = (luhn_complete if valid else luhn_broken)("4" + str(R.randrange(10)), 16); sizes = [4, 4, 4, 4]
    elif kind == "mc":
        n = (luhn_complete if valid else luhn_broken)(str(R.randint(51, 55)), 16); sizes = [4, 4, 4, 4]
    elif kind == "mc2":
        n = (luhn_complete if valid else luhn_broken)(str(R.randint(2221, 2720)), 16); sizes = [4, 4, 4, 4]
    elif kind == "amex":
        n = (luhn_complete if valid else luhn_broken)(R.choice(["34", "37"]), 15); sizes = [4, 6, 5]
    else:
        n = (luhn_complete if valid else luhn_broken)("6011", 16); sizes = [4, 4, 4, 4]
    sep = R.choice([" ", "-", ""])
    return group(n, sizes, sep) if sep else n


def mod97(s):
    r = 0
    for c in s:
        v = int(c) if c.isdigit() else ord(c) - 55
        r = (r * 100 + v) % 97 if v >= 10 else (r * 10 + v) % 97
    return r


IBAN_SHAPES = {"DE": "n18", "GB": "a4n14", "FR": "n23", "NL": "a4n10", "ES": "n20", "IT": "a1n22",
               "CH": "n17", "BE": "n12", "AT": "n16", "PL": "n24", "IE": "a4n14", "SE": "n20"}


def bban(shape):
    s, i = "", 0
    while i < len(shape):
        kind = shape[i]; j = i + 1
        while j < len(shape) and shape[j].isdigit():
            j += 1
        n = int(shape[i + 1:j]); i = j
        s += "".join(R.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ") if kind == "a" else str(R.randrange(10)) for _ in range(n))
    return s


def iban(valid=True, spaced=None):
    cc = R.choice(list(IBAN_SHAPES))
    b = bban(IBAN_SHAPES[cc])
    check = 98 - mod97(b + cc + "00")
    if not valid:
        check = (check + R.randrange(1, 90)) % 97 + 2 if check < 96 else check - 5
        if 98 - mod97(b + cc + "00") == check:
            check = (check + 1) % 100
    s = cc + "%02d" % check + b
    if spaced is None:
        spaced = R.random() < 0.6
    return " ".join(s[i:i + 4] for i in range(0, len(s), 4)) if spaced else s


def ssn(valid=True):
    while True:
        a = R.randint(1, 899)
        if a != 666:
            break
    if not valid:
        a = R.choice([0, 666, R.randint(900, 999)])
    return "%03d-%02d-%04d" % (a, R.randint(1, 99), R.randint(1, 9999))


def nino():
    first = R.choice("ABCEGHJKLMNOPRSTWXYZ")
    second = R.choice("ABCEGHJKLMNPRSTWXYZ")
    if first + second in ("BG", "GB", "NK", "KN", "TN", "NT", "ZZ"):
        return nino()
    d = "%06d" % R.randrange(10 ** 6)
    suffix = R.choice("ABCD")
    if R.random() < 0.5:
        return "%s%s %s %s %s %s" % (first, second, d[:2], d[2:4], d[4:], suffix)
    return first + second + d + suffix


def bsn():
    while True:
        d = [R.randrange(10) for _ in range(8)]
        s = sum((9 - i) * d[i] for i in range(8))
        for last in range(10):
            if (s - last) % 11 == 0 and s - last != 0:
                return "".join(map(str, d + [last]))


def sin():
    return luhn_complete(str(R.randint(1, 7)), 9)


def ipv4():
    a = R.choice([10, 172, 192, R.randint(11, 223)])
    if a == 192:
        return "192.168.%d.%d" % (R.randint(0, 255), R.randint(1, 254))
    return "%d.%d.%d.%d" % (a, R.randint(0, 255), R.randint(0, 255), R.randint(1, 254))


def ipv6():
    groups = ["%x" % R.randrange(65536) for _ in range(8)]
    form = R.choice(["full", "compressed", "doc", "linklocal", "mapped"])
    if form == "full":
        return ":".join(groups)
    if form == "compressed":
        return "2001:db8:%s::%s" % (groups[0], groups[1])
    if form == "doc":
        return "2001:0db8:%04x:%04x:0000:0000:%04x:%04x" % tuple(R.randrange(65536) for _ in range(4))
    if form == "linklocal":
        return "fe80::%s:%s:%s:%s" % tuple(groups[:4])
    return "::ffff:%s" % ipv4()


FIRST = ["Anna", "Ben", "Carla", "Dmitri", "Elif", "Farah", "Goran", "Hana", "Ivan", "Julia", "Kofi", "Lena",
         "Marco", "Nadia", "Omar", "Priya", "Quentin", "Rosa", "Sven", "Tariq", "Uma", "Viktor", "Wen", "Yusuf", "Zoe"]
LAST = ["Schmidt", "Okafor", "Novak", "Garcia", "Lindqvist", "Tanaka", "Dubois", "Kowalski", "Haddad", "Murphy",
        "Rossi", "Jensen", "Petrov", "Silva", "Nguyen", "Brown", "Fischer", "Moreau"]
DOMAINS = ["example.com", "mail.example.org", "clinic-nord.de", "hospital.example.net", "uni-bonn.de", "corp.co.uk",
           "gmail.com", "outlook.com", "web.de", "sanitas.ch", "example.io", "health.gov.example"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]
MON = ["Jan", "Feb", "Mar", "Apr", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def person():
    return R.choice(FIRST) + " " + R.choice(LAST)


def email():
    f, l = R.choice(FIRST).lower(), R.choice(LAST).lower()
    local = R.choice([f + "." + l, f[0] + l, f + "_" + l, f + "+cove", l + str(R.randint(1, 99)), f])
    e = local + "@" + R.choice(DOMAINS)
    return e.upper() if R.random() < 0.05 else e


def nanp():
    area = R.randint(201, 989)
    exch = R.randint(200, 999)
    line = R.randint(0, 9999)
    form = R.choice(["(%d) %d-%04d", "%d-%d-%04d", "%d.%d.%04d", "1-%d-%d-%04d", "+1 %d %d %04d", "+1 (%d) %d-%04d"])
    return form % (area, exch, line)


def intl_phone():
    form = R.choice(["uk", "de", "fr", "in", "ch", "nl", "compact"])
    if form == "uk":
        return "+44 20 %04d %04d" % (R.randrange(10000), R.randrange(10000))
    if form == "de":
        return "+49 30 %d" % R.randint(1000000, 99999999)
    if form == "fr":
        return "+33 1 %02d %02d %02d %02d" % tuple(R.randrange(100) for _ in range(4))
    if form == "in":
        return "+91 %05d %05d" % (R.randint(70000, 99999), R.randrange(100000))
    if form == "ch":
        return "+41 44 %03d %02d %02d" % (R.randrange(1000), R.randrange(100), R.randrange(100))
    if form == "nl":
        return "+31 6 %08d" % R.randrange(10 ** 8)
    return "+4479%08d" % R.randrange(10 ** 8)


def national_phone():
    form = R.choice(["uk", "fr", "de", "nl"])
    if form == "uk":
        return "020 %04d %04d" % (R.randrange(10000), R.randrange(10000))
    if form == "fr":
        return "0%d %02d %02d %02d %02d" % ((R.randint(1, 9),) + tuple(R.randrange(100) for _ in range(4)))
    if form == "de":
        return "0%d %d" % (R.choice([30, 40, 89, 221, 711]), R.randint(100000, 9999999))
    return "06-%08d" % R.randrange(10 ** 8)


def date_any():
    y, m, d = R.randint(1930, 2005), R.randint(1, 12), R.randint(1, 28)
    form = R.choice(["dmy/", "mdy/", "iso", "dmy.", "text1", "text2", "text3"])
    if form == "dmy/":
        return "%02d/%02d/%d" % (d, m, y)
    if form == "mdy/":
        return "%d/%d/%d" % (m, d, y)
    if form == "iso":
        return "%d-%02d-%02d" % (y, m, d)
    if form == "dmy.":
        return "%02d.%02d.%d" % (d, m, y)
    if form == "text1":
        return "%d %s %d" % (d, MONTHS[m - 1], y)
    if form == "text2":
        return "%s %d, %d" % (MONTHS[m - 1], d, y)
    return "%d%s %s %d" % (d, {1: "st", 2: "nd", 3: "rd"}.get(d, "th"), R.choice(MON), y)


def recent_date():
    y, m, d = R.randint(2019, 2025), R.randint(1, 12), R.randint(1, 28)
    return R.choice(["%02d/%02d/%d" % (d, m, y), "%d-%02d-%02d" % (y, m, d), "%d %s %d" % (d, MONTHS[m - 1], y)])


def mrn():
    return R.choice(["%07d" % R.randrange(10 ** 7), "MR%06d" % R.randrange(10 ** 6), "A-%08d" % R.randrange(10 ** 8),
                     "%08d" % R.randrange(10 ** 8), "H%07d" % R.randrange(10 ** 7)])


# ---------------------------------------------------------------------------------------------
out.append("# Labelled redaction test set. Generated by src/test/tools/make_redaction_testset.py; edit that,")
out.append("# not this file. Spans: [[LABEL|text]]. Lines without spans are hard negatives.")
out.append("#")
out.append("# == e-mail ==")
email_t = [
    "Please reply to {} before Friday.", "Contact: {}", "Forwarded from <{}> at 09:14.",
    "{} wrote: the results look fine.", "mailto:{}", "Her address is {}; his is {}.",
    "Send the discharge letter to {}, cc {}.", "Login {} failed three times.",
    "Reach me at {} or by post.", "(email: {})",
]
for i in range(30):
    t = R.choice(email_t)
    out.append(t.format(*[L("EMAIL", email()) for _ in range(t.count("{}"))]))

out.append("# == phone ==")
phone_t = [
    "Call {} after 6pm.", "Patient's mobile: {}", "Fax {} for the referral.", "You can reach {} on {}.",
    "Emergency contact {} ({})", "Phone {} or e-mail the ward.", "Tel.: {}", "Her number changed to {} last week.",
]
for i in range(48):
    t = R.choice(phone_t)
    vals = []
    for _ in range(t.count("{}")):
        if "{} on {}" in t and not vals:
            vals.append(person()); continue
        if "contact {} ({})" in t and not vals:
            vals.append(person()); continue
        vals.append(L("PHONE", R.choice([nanp, intl_phone, national_phone])()))
    out.append(t.format(*vals))

out.append("# == payment cards ==")
card_t = ["Card on file: {}.", "Charge {} for the co-payment.", "Customer paid with {} (exp 04/27).",
          "Refund to card {} please.", "VISA/MC {}", "cc# {}", "The number {} was declined."]
for i in range(36):
    out.append(R.choice(card_t).format(L("CARD", card(True))))

out.append("# == IBAN ==")
iban_t = ["Transfer the deposit to {}.", "IBAN: {}", "Bank details: {} (BIC COBADEFFXXX).",
          "Please update payroll to account {} from March.", "Refund goes to {}, reference INV-2291."]
for i in range(30):
    out.append(R.choice(iban_t).format(L("IBAN", iban(True))))

out.append("# == SSN ==")
ssn_t = ["SSN {} on the claim form.", "Social security number: {}", "Verify {} with HR.", "ID {} matched the records."]
for i in range(20):
    out.append(R.choice(ssn_t).format(L("SSN", ssn(True))))
for i in range(6):
    s = ssn(True).replace("-", R.choice(["", " "]))
    out.append(R.choice(["SSN: {}", "His social security number is {}.", "ssn {} (on file)"]).format(L("SSN", s)))

out.append("# == national ids ==")
for i in range(10):
    out.append(R.choice(["NI number {} on the payslip.", "National Insurance: {}", "Her NINO is {}."]).format(
        L("NATIONAL_ID", nino())))
for i in range(5):
    out.append(R.choice(["BSN: {}", "burgerservicenummer {} verified.", "Patient BSN {}"]).format(L("NATIONAL_ID", bsn())))
for i in range(4):
    s = sin()
    s = R.choice([s, s[:3] + " " + s[3:6] + " " + s[6:], s[:3] + "-" + s[3:6] + "-" + s[6:]])
    out.append(R.choice(["SIN {} for the T4 slip.", "Social insurance number: {}"]).format(L("NATIONAL_ID", s)))
for i in range(5):
    p = R.choice(["C%08d" % R.randrange(10 ** 8), "%09d" % R.randrange(10 ** 9), "XA%07d" % R.randrange(10 ** 7)])
    out.append(R.choice(["Passport number: {}", "passport no. {} expires 2031.", "Travelled on passport {}."]).format(
        L("NATIONAL_ID", p)))

out.append("# == IP addresses ==")
ip_t = ["Login from {} was blocked.", "The host at {} stopped answering.", "ssh admin@{}", "Client IP {} (proxy {}).",
        "Allowed: {}/24", "GET /records from {} returned 403.", "Bind the service to {} only.",
        "curl http://{}:8080/health"]
for i in range(26):
    t = R.choice(ip_t)
    out.append(t.format(*[L("IP_ADDRESS", ipv4()) for _ in range(t.count("{}"))]))
for i in range(14):
    out.append(R.choice(["Peer {} connected.", "IPv6 client {} timed out.", "Route via [{}]:443.",
                         "Source address {}"]).format(L("IP_ADDRESS", ipv6())))

out.append("# == dates of birth ==")
dob_t = ["Date of birth: {}.", "DOB {}", "Born on {} in Lyon.", "{}, born {}, was admitted overnight.",
         "Patient (D.O.B. {}) reports chest pain.", "birthday is {}", "Birthdate: {} - verified with ID.",
         "born {}", "b. {}"]
for i in range(36):
    t = R.choice(dob_t)
    if t.startswith("{}, born"):
        out.append(t.format(person(), L("DATE_OF_BIRTH", date_any())))
    else:
        out.append(t.format(L("DATE_OF_BIRTH", date_any())))

out.append("# == medical record numbers ==")
mrn_t = ["MRN {} admitted to ward 4.", "Medical record number: {}", "patient ID {} transferred to ICU.",
         "Chart no. {} reviewed by Dr. Haddad.", "Re: MRN: {}", "Hospital number {} - see notes."]
for i in range(26):
    out.append(R.choice(mrn_t).format(L("MEDICAL_RECORD", mrn())))

out.append("# == mixed ==")
for i in range(16):
    out.append("%s (%s, DOB %s) can be reached at %s; card %s." % (
        person(), "MRN " + L("MEDICAL_RECORD", mrn()),
        L("DATE_OF_BIRTH", date_any()), L("PHONE", nanp()), L("CARD", card(True))))
for i in range(8):
    out.append("Invoice for %s: pay to %s, questions to %s." % (person(), L("IBAN", iban(True)), L("EMAIL", email())))

out.append("# == hard positives: unusual formats, several of which the built-in detectors miss ==")
hard_positive = [
    "Write to " + L("EMAIL", "anna dot novak at example dot com") + " if the form fails.",
    "Her IBAN is " + L("IBAN", iban(True, False).lower()) + " (typed in lower case).",
    "Call " + L("PHONE", "555-0147") + " for the night nurse.",
    "Mr Brown (" + L("DATE_OF_BIRTH", "12/03/1961") + ") was seen in clinic today.",
    "DOB: " + L("DATE_OF_BIRTH", "3 May 61") + ", allergies none.",
    "The patient's number is " + L("PHONE", "07700 900123") + ".",
    "Reach Julia on " + L("PHONE", "0049 30 901820") + " from abroad.",
    "SSN " + L("SSN", "123.45.6789") + " was written with dots.",
    "Born " + L("DATE_OF_BIRTH", "1984-3-7") + ", per intake form.",
    "Card " + L("CARD", "4111111111111111") + " is the test Visa; still redact it.",
    "IP " + L("IP_ADDRESS", "10.0.0.1") + " version of the router is unknown.",
]
out.extend(hard_positive)

out.append("# == hard negatives: look-alikes that must NOT be redacted ==")
neg = []
for i in range(20):
    neg.append(R.choice(["Order #{} shipped today.", "Tracking number {}", "Reference {} (do not pay twice).",
                         "Ticket {} closed.", "Serial no. {}"]).format(card(False).replace(" ", "").replace("-", "")))
for i in range(8):
    neg.append("Order number " + card(False) + " was split into two parcels.")
for i in range(16):
    v = "%d.%d.%d.%d" % (R.randint(1, 9), R.randint(0, 30), R.randint(0, 20), R.randint(0, 300))
    neg.append(R.choice(["Upgraded to version {}.", "Cove v{} fixes the tokenizer.", "Release {} is out.",
                         "Requires JDK {} or later.", "firmware {} installed", "build {}-SNAPSHOT failed",
                         "Bumped the plugin to {}."]).format(v))
for i in range(6):
    neg.append("Section %d.%d.%d.%d.%d of the manual covers it." % tuple(R.randint(1, 9) for _ in range(5)))
for i in range(4):
    neg.append("The value 300.1.2.%d is not an address." % R.randint(1, 9))
for i in range(14):
    neg.append(R.choice(["Account {} looks wrong: the check digits fail.", "Invalid IBAN {} rejected by the bank.",
                         "IBAN: {} (typo, bounced)"]).format(iban(False)))
for i in range(14):
    neg.append(R.choice(["Appointment on {} at 10:30.", "Invoice dated {}.", "Admitted {}, discharged two days later.",
                         "Lab results from {} attached.", "The policy started on {}.", "Meeting moved to {}.",
                         "Born in 1980, admitted on {}."]).format(recent_date()))
for i in range(8):
    neg.append(R.choice(["Run {} was stopped at {}.", "Logged at {} and again at {}."]).format(
        "%02d:%02d:%02d" % (R.randrange(24), R.randrange(60), R.randrange(60)),
        "%02d:%02d" % (R.randrange(24), R.randrange(60))))
for i in range(6):
    neg.append("MAC address %s is on the allow list." % ":".join("%02X" % R.randrange(256) for _ in range(6)))
for i in range(6):
    neg.append(R.choice(["SSN placeholder {} is invalid.", "Form sample {} (never issued)."]).format(ssn(False)))
neg += [
    "ISBN 978-3-16-148410-0 is on the reading list.",
    "The price went from 1,234.56 to 1,299.00 EUR.",
    "Use std::vector<int> and std::map here.",
    "Ratio was 3:2:1 in the final mix.",
    "Dosage 0.5 mg twice daily, 2.5 mg at night.",
    "Room 4-112, building B.",
    "Population grew to 8 100 000 in 2021.",
    "Latitude 52.520008, longitude 13.404954.",
    "Version 2.0.0.1-beta is the last one that supports Java 8.",
    "The file is 1048576 bytes long.",
    "Call the function with (555) arguments? No, with five.",
    "Tests 1/2/3 passed; test 4 failed.",
    "Score: 12-15-9 after three rounds.",
    "The patient was born in March and is doing well.",
    "Temperature 37.5 C, pulse 88, BP 120/80.",
    "Ward 7, bed 12, since 2023.",
    "Product code AB12CD34EF56 is discontinued.",
    "Commit 3f9a2c1b7e tagged as stable.",
    "UUID 123e4567-e89b-12d3-a456-426614174000 identifies the job.",
    "Kernel 5.15.0.91 was rolled out.",
    "Section 12.34.56.78 describes the layout.",
    "Case number 2023-004512 was closed.",
    "Model runs at 45.3 tokens/s on 2 threads.",
    "Patient id card was lost.",
    "Bank holiday on Monday.",
    "The MRN field was left blank.",
    "NI number was not provided.",
    "GB82 WEST is not a full IBAN.",
    "Call me back tomorrow.",
]
out.extend(neg)

# ---------------------------------------------------------------------------------------------
# Issue 14 ("the first hour"): formats a new user found missed, and their look-alikes. A Random
# of its own, so that the lines above stay exactly as they were.
R2 = random.Random(20261206)


def d2(n):
    return "".join(R2.choice("0123456789") for _ in range(n))


def iban_of(cc, bban):
    digits = "".join(str(int(c, 36)) for c in bban + cc + "00")
    return cc + "%02d" % (98 - int(digits) % 97) + bban


def grouped(s):
    return " ".join(s[k:k + 4] for k in range(0, len(s), 4))


LETTER_BANKS = [("GB", lambda: R2.choice(["NWBK", "BARC", "HBUK", "LOYD", "MIDL"]) + d2(14)),
                ("NL", lambda: R2.choice(["ABNA", "INGB", "RABO", "TRIO", "KNAB"]) + d2(10)),
                ("IE", lambda: R2.choice(["AIBK", "BOFI", "IPBS"]) + d2(14)),
                ("BG", lambda: R2.choice(["BNBG", "UNCR", "STSA"]) + d2(14)),
                ("RO", lambda: R2.choice(["BTRL", "RNCB", "INGB"]) + d2(16)),
                ("LV", lambda: R2.choice(["HABA", "UNLA", "PARX"]) + d2(13)),
                ("MT", lambda: R2.choice(["MALT", "VALL"]) + d2(23)),
                ("GI", lambda: "NWBK" + d2(15)),
                ("QA", lambda: R2.choice(["DOHB", "QNBA"]) + d2(21)),
                ("BH", lambda: R2.choice(["BMAG", "NBOB"]) + d2(14)),
                ("KW", lambda: R2.choice(["CBKU", "NBOK"]) + d2(22)),
                ("PK", lambda: R2.choice(["SCBL", "HABB"]) + d2(16)),
                ("LI", lambda: d2(5) + d2(10) + R2.choice(["AA", "XY"])),
                ("LC", lambda: "HEMM" + d2(24)),
                ("SC", lambda: "SSCB" + d2(20) + "USD")]

out.append("# == issue 14: US (555) 123-4567, IBANs with letters in groups of four, compact EU mobiles ==")
out.append("Call " + L("PHONE", "(555) 123-4567") + " to book.")
out.append("The front desk is " + L("PHONE", "555-123-4567") + ".")
us_t = ["Her cell is {}.", "Call {} after six.", "Reach the clinic at {} on weekdays.", "{} is the after-hours line.",
        "Leave a message at {} please."]
for i in range(10):
    number = "(%d) %03d-%04d" % (R2.randint(201, 989), R2.randint(0, 199), R2.randrange(10000))
    if i % 3 == 2:
        number = "%d-%03d-%04d" % (R2.randint(201, 989), R2.randint(0, 199), R2.randrange(10000))
    out.append(R2.choice(us_t).format(L("PHONE", number)))
iban_t = ["Please pay into {} by Friday.", "IBAN: {}", "Refund to {}, thank you.", "Bank account {} (current account).",
          "Konto {} bitte bis Montag.", "Rekening {} op naam van de praktijk."]
for cc, shape in LETTER_BANKS:
    out.append(R2.choice(iban_t).format(L("IBAN", grouped(iban_of(cc, shape())))))
for cc, shape in LETTER_BANKS[:3]:
    out.append("typed by hand: " + L("IBAN", grouped(iban_of(cc, shape())).lower()) + " (all lower case)")
compact = [("Meine Handynummer ist {}.", lambda: R2.choice(["0151", "0152", "0160", "0162", "0170", "0176"]) + d2(8)),
           ("Ruf mich an: {}", lambda: "0157" + d2(7)),
           ("Mon portable : {}", lambda: R2.choice(["06", "07"]) + d2(8)),
           ("Appelle-moi au {} ce soir.", lambda: "06" + d2(8)),
           ("Bel me op {} als het uitloopt.", lambda: "06" + d2(8)),
           ("Mijn nummer: {}", lambda: "06" + d2(8)),
           ("GSM {} (Belgique)", lambda: "04" + R2.choice("5789") + d2(7)),
           ("Erreichbar unter {} (Österreich).", lambda: "0664" + d2(7)),
           ("Natel {}", lambda: "07" + R2.choice("5789") + d2(7)),
           ("Ring me on {} tonight.", lambda: "07" + d2(9)),
           ("Mobil {} (Sverige)", lambda: "07" + R2.choice("0236") + d2(7)),
           ("My Irish mobile is {}.", lambda: "08" + R2.choice("35679") + d2(7)),
           ("{} is my number, text me.", lambda: "06" + d2(8))]
for i in range(16):
    t, number = compact[i % len(compact)]
    out.append(t.format(L("PHONE", number())))
after_words = [("Chiamami al {} dopo le sei.", lambda: "3" + R2.choice("234789") + d2(8)),
               ("Il mio cellulare è {}.", lambda: "34" + d2(8)),
               ("Mi móvil es {}.", lambda: R2.choice("67") + d2(8)),
               ("Llámame al {} mañana.", lambda: "6" + d2(8)),
               ("Teléfono: {}", lambda: "7" + d2(8)),
               ("O meu telemóvel é {}.", lambda: "9" + R2.choice("1236") + d2(7)),
               ("Call me on {} when you land in Rome.", lambda: "33" + d2(8)),
               ("Κινητό: {}", lambda: "69" + d2(8))]
for i in range(12):
    t, number = after_words[i % len(after_words)]
    out.append(t.format(L("PHONE", number())))

out.append("# == issue 14 look-alikes: identifiers, amounts, times and bad IBANs that must NOT be redacted ==")
ident_t = ["Bestellnummer {} ist unterwegs.", "Order no. {} was shipped.", "Invoice {} is due on Friday.",
           "Numéro de commande {}", "Fattura n. {} pagata.", "Pedido {} enviado.", "Ticket #{} closed.",
           "Kundennummer: {}", "Tracking number {} (DHL).", "Reference {} on the statement.", "Factuur {} betaald.",
           "Customer ID {} was merged.", "Order {} shipped today."]
numbers = [lambda: "0151" + d2(8), lambda: "06" + d2(8), lambda: "3" + R2.choice("2347") + d2(8),
           lambda: R2.choice("67") + d2(8), lambda: "%d-%03d-%04d" % (R2.randint(201, 989), R2.randint(0, 199), R2.randrange(10000))]
for i in range(20):
    out.append(R2.choice(ident_t).format(numbers[i % len(numbers)]()))
for i in range(6):
    out.append(R2.choice(["Paid {} EUR in total.", "The archive is {} bytes.", "Budget: {} €"]).format(
        R2.choice("67") + d2(8)))
for i in range(6):
    out.append(R2.choice(["Unix time {} in the log.", "Epoch {} marks the upload.", "Build 20{} passed."]).format(
        "17" + d2(8)))
for i in range(6):
    out.append(R2.choice(["{} rows were imported.", "Population of {} in the model.", "It took {} cycles."]).format(
        R2.choice("367") + d2(8)))
for i in range(4):
    out.append("Stamped %s%02d%02d%02d%02d at the gate." % (R2.choice(["2023", "2024"]), R2.randint(1, 12),
                                                          R2.randint(1, 28), R2.randrange(24), R2.randrange(60)))
for cc, shape in LETTER_BANKS[:8]:
    good = iban_of(cc, shape())
    bad = good[:2] + "%02d" % ((int(good[2:4]) + 37) % 100) + good[4:]
    if bad != good:
        out.append(R2.choice(["IBAN {} bounced: check digits wrong.", "Typo in {} (rejected)."]).format(grouped(bad)))
out.append("Sort code NWBK 6016 is not an IBAN.")
out.append("Call extension (555) for the ward.")

sys.stdout.write("\n".join(out) + "\n")
