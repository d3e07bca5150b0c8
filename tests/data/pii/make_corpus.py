"""Generate the labelled personal-data corpus (deterministic: seeded).

Run from the repository root:  python tests/data/pii/make_corpus.py
Writes tests/data/pii/corpus.jsonl and tests/data/pii/clients.csv next to this script
(a test regenerates them into a temporary folder and checks they are identical).

Each JSONL record: {"id", "category": "positive" | "near_miss" | "prose", "text",
"spans": [{"kind", "start", "end"}]}. Check digits are computed here, independently of
sobria's own implementation, so that the corpus tests the detectors rather than echoes them.
"""

from __future__ import annotations

import json
import random
import string
from collections.abc import Callable
from pathlib import Path

SEED = 20261128
HERE = Path(__file__).parent
VOCABULARY = json.loads((HERE / "vocabulary.json").read_text(encoding="utf-8"))
"""Names, places and sentence templates (French) the records are made of."""

FIRST_NAMES = VOCABULARY["first_names"]
LAST_NAMES = VOCABULARY["last_names"]
COMPANIES = VOCABULARY["companies"]
OTHER_PEOPLE = VOCABULARY["other_people"]
CITIES = VOCABULARY["cities"]
DOMAINS = VOCABULARY["domains"]


# --- check digits (independent implementations) -------------------------------------------------

def luhn_digit(body: str) -> str:
    total = 0
    for i, ch in enumerate(reversed(body)):
        d = int(ch)
        if i % 2 == 0:
            d *= 2
            d = d - 9 if d > 9 else d
        total += d
    return str((10 - total % 10) % 10)


def iban_of(country: str, bban: str) -> str:
    numeric = "".join(str(int(c, 36)) for c in bban + country + "00")
    return f"{country}{98 - int(numeric) % 97:02d}{bban}"


def nir_key(body: str) -> str:
    number = body[:5] + {"2A": "19", "2B": "18"}.get(body[5:7], body[5:7]) + body[7:]
    return f"{97 - int(number) % 97:02d}"


# --- value generators ------------------------------------------------------------------------------

def digits(rng: random.Random, n: int) -> str:
    return "".join(rng.choice(string.digits) for _ in range(n))


def make_siren(rng: random.Random) -> str:
    body = str(rng.randint(1, 9)) + digits(rng, 7)
    return body + luhn_digit(body)


def make_siret(rng: random.Random) -> str:
    body = make_siren(rng) + digits(rng, 4)
    return body + luhn_digit(body)


def make_nir(rng: random.Random) -> str:
    month = rng.choice([f"{m:02d}" for m in range(1, 13)] * 6 + ["20", "33", "41", "62", "99"])
    dept = rng.choice([f"{d:02d}" for d in range(1, 96) if d != 20] + ["2A", "2B", "99"])
    commune, order = f"{rng.randint(1, 999):03d}", f"{rng.randint(1, 999):03d}"
    body = rng.choice("12") + digits(rng, 2) + month + dept + commune + order
    return body + nir_key(body)


def make_iban(rng: random.Random) -> str:
    country = rng.choice(["FR", "FR", "FR", "DE", "ES", "IT", "BE", "GB", "CH", "LU", "NL"])
    upper = string.ascii_uppercase
    bban = {
        "FR": lambda: digits(rng, 10) + digits(rng, 11) + digits(rng, 2),
        "DE": lambda: digits(rng, 18),
        "ES": lambda: digits(rng, 20),
        "IT": lambda: rng.choice(upper) + digits(rng, 10) + digits(rng, 12),
        "BE": lambda: digits(rng, 12),
        "GB": lambda: "".join(rng.choice(upper) for _ in range(4)) + digits(rng, 14),
        "CH": lambda: digits(rng, 17),
        "LU": lambda: digits(rng, 16),
        "NL": lambda: "".join(rng.choice(upper) for _ in range(4)) + digits(rng, 10),
    }[country]()
    return iban_of(country, bban)


def make_card(rng: random.Random) -> str:
    prefix, length = rng.choice([("4", 16), ("4", 16), ("5" + str(rng.randint(1, 5)), 16),
                                 ("3" + rng.choice("47"), 15), ("2" + str(rng.randint(221, 720)), 16),
                                 ("6011", 16), ("4", 19), ("36", 14)])
    body = prefix + digits(rng, length - len(prefix) - 1)
    return body + luhn_digit(body)


def make_vat(rng: random.Random) -> str:
    siren = make_siren(rng)
    return f"FR{(12 + 3 * (int(siren) % 97)) % 97:02d}{siren}"


def make_phone(rng: random.Random) -> str:
    return "0" + rng.choice("123456789" + "6677") + digits(rng, 8)


# --- formatting ------------------------------------------------------------------------------------

def groups(value: str, sizes: list[int], sep: str = " ") -> str:
    out, i = [], 0
    for size in sizes:
        out.append(value[i:i + size])
        i += size
    if i < len(value):
        out.append(value[i:])
    return sep.join(p for p in out if p)


def fmt_phone(rng: random.Random, number: str) -> str:
    style = rng.randrange(9)
    national = number[1:]
    if style < 3:
        return groups(number, [2] * 5, rng.choice([" ", " ", ".", "-"]))
    if style == 3:
        return number
    if style == 4:
        return "+33 " + groups(national, [1, 2, 2, 2, 2])
    if style == 5:
        return "+33" + national
    if style == 6:
        return "0033 " + groups(national, [1, 2, 2, 2, 2])
    if style == 7:
        return "+33 (0)" + groups(national, [1, 2, 2, 2, 2])
    return groups(number, [2] * 5, ".")


def fmt_nir(rng: random.Random, nir: str) -> str:
    style = rng.randrange(3)
    if style == 0:
        return groups(nir, [1, 2, 2, 2, 3, 3, 2])
    return nir if style == 1 else nir[:13] + " " + nir[13:]


def fmt_iban(rng: random.Random, iban: str) -> str:
    return iban if rng.random() < 0.3 else groups(iban, [4] * 8)


def fmt_card(rng: random.Random, card: str) -> str:
    if rng.random() < 0.25:
        return card
    if len(card) == 15:
        return groups(card, [4, 6, 5])
    if len(card) == 14:
        return groups(card, [4, 6, 4])
    return groups(card, [4] * 4, rng.choice([" ", " ", "-"]))


def fmt_siren(rng: random.Random, siren: str) -> str:
    return siren if rng.random() < 0.4 else groups(siren, [3, 3, 3])


def fmt_siret(rng: random.Random, siret: str) -> str:
    style = rng.randrange(3)
    return [siret, groups(siret, [3, 3, 3, 5]), siret[:9] + " " + siret[9:]][style]


def fmt_vat(rng: random.Random, vat: str) -> str:
    style = rng.randrange(3)
    return [vat, vat[:4] + " " + vat[4:], "FR " + vat[2:4] + " " + groups(vat[4:], [3, 3, 3])][style]


# --- records -------------------------------------------------------------------------------------

Piece = str | tuple[str, str]  # plain text, or (kind, value) for an expected finding


def record(rid: str, category: str, pieces: list[Piece]) -> dict[str, object]:
    text, spans = "", []
    for piece in pieces:
        if isinstance(piece, tuple):
            kind, value = piece
            spans.append({"kind": kind, "start": len(text), "end": len(text) + len(value)})
            text += value
        else:
            text += piece
    return {"id": rid, "category": category, "text": text, "spans": spans}


POSITIVE_TEMPLATES: dict[str, list[str]] = VOCABULARY["positive_templates"]


def positive_value(rng: random.Random, kind: str, clients: list[str]) -> str:
    makers: dict[str, Callable[[], str]] = {
        "email": lambda: make_email(rng),
        "phone": lambda: fmt_phone(rng, make_phone(rng)),
        "nir": lambda: fmt_nir(rng, make_nir(rng)),
        "iban": lambda: fmt_iban(rng, make_iban(rng)),
        "siren": lambda: fmt_siren(rng, make_siren(rng)),
        "siret": lambda: fmt_siret(rng, make_siret(rng)),
        "card": lambda: fmt_card(rng, make_card(rng)),
        "vat": lambda: fmt_vat(rng, make_vat(rng)),
        "client_name": lambda: name_mention(rng, rng.choice(clients)),
    }
    return makers[kind]()


def strip_accents(text: str) -> str:
    import unicodedata
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def make_email(rng: random.Random) -> str:
    first = strip_accents(rng.choice(FIRST_NAMES)).lower()
    last = strip_accents(rng.choice(LAST_NAMES)).lower().replace(" ", "")
    local = rng.choice([f"{first}.{last}", f"{first[0]}.{last}", f"{last}{rng.randint(1, 99)}",
                        f"{first}_{last}", "contact+factures", f"{first}-{last}"])
    return f"{local}@{rng.choice(DOMAINS)}"


LEGAL_FORMS = (" SARL", " SAS", " & Fils")


def name_mention(rng: random.Random, name: str) -> str:
    """How a client's name may be typed: as is, lower/upper case, surname first, no accents, a typo."""
    for form in LEGAL_FORMS:
        name = name.replace(form, "")
    style = rng.randrange(7)
    words = name.split(" ")
    if style == 1:
        return name.lower()
    if style == 2:
        return name.upper()
    if style == 3 and len(words) == 2 and name.split(" ")[0] in FIRST_NAMES:
        return f"{words[1].upper()} {words[0]}"
    if style == 4:
        return strip_accents(name)
    if style >= 5:
        return with_typo(rng, name)
    return name


def with_typo(rng: random.Random, name: str) -> str:
    words = name.split(" ")
    long_ones = [i for i, w in enumerate(words) if len(w) >= 7 and w.isalpha()]
    if not long_ones:
        return name
    i = rng.choice(long_ones)
    w = words[i]
    pos = rng.randrange(2, len(w) - 1)
    op = rng.randrange(4)
    if op == 0:
        w = w[:pos] + rng.choice("aeiourstnl") + w[pos + 1:]
    elif op == 1:
        w = w[:pos] + w[pos + 1] + w[pos] + w[pos + 2:]
    elif op == 2:
        w = w[:pos] + w[pos + 1:]
    else:
        w = w[:pos] + w[pos] + w[pos:]
    words[i] = w
    return " ".join(words)


def positives(rng: random.Random, clients: list[str], per_kind: int) -> list[dict[str, object]]:
    out = []
    for kind, templates in POSITIVE_TEMPLATES.items():
        for n in range(per_kind):
            before, after = rng.choice(templates).split("{}")
            value = positive_value(rng, kind, clients)
            out.append(record(f"pos-{kind}-{n:03d}", "positive", [before, (kind, value), after]))
    kinds = list(POSITIVE_TEMPLATES)
    for n in range(per_kind):
        pieces: list[Piece] = []
        for kind in rng.sample(kinds, 3):
            before, after = rng.choice(POSITIVE_TEMPLATES[kind]).split("{}")
            pieces += [before, (kind, positive_value(rng, kind, clients)), after, " "]
        pieces.append(rng.choice(PROSE_TEMPLATES).format(**prose_fields(rng)))
        out.append(record(f"pos-mixed-{n:03d}", "positive", pieces))
    return out


# --- near misses ---------------------------------------------------------------------------------

def change_one_digit(rng: random.Random, value: str, lo: int = 0) -> str:
    positions = [i for i, c in enumerate(value) if c.isdigit() and i >= lo]
    i = rng.choice(positions)
    return value[:i] + rng.choice([d for d in string.digits if d != value[i]]) + value[i + 1:]


def luhn_valid_body(rng: random.Random, n: int, first: str) -> str:
    body = first + digits(rng, n - len(first) - 1)
    return body + luhn_digit(body)


def near_miss_texts(rng: random.Random) -> list[Callable[[], str]]:
    """Each callable returns a sentence that looks like personal data but is not."""
    year = lambda: rng.randint(2019, 2027)  # noqa: E731
    return [
        lambda: f"SIREN : {fmt_siren(rng, change_one_digit(rng, make_siren(rng)))}",
        lambda: f"Le SIRET {fmt_siret(rng, change_one_digit(rng, make_siret(rng), 9))} semble faux.",
        lambda: f"SIREN à vérifier : {groups(make_siren(rng)[:8], [3, 3, 2])}.",
        lambda: f"Numéro à dix chiffres : {make_siren(rng)}{rng.randint(0, 9)} (ancien identifiant).",
        lambda: f"NIR erroné : {fmt_nir(rng, change_one_digit(rng, make_nir(rng)))}.",
        lambda: f"Référence interne 3 85 13 75 {rng.randint(100, 999)} {rng.randint(100, 999)} 12.",
        lambda: f"IBAN incomplet : {fmt_iban(rng, change_one_digit(rng, make_iban(rng), 4))}.",
        lambda: f"IBAN tronqué {make_iban(rng)[:-2]} à corriger.",
        lambda: f"Carte {fmt_card(rng, change_one_digit(rng, make_card(rng)))} refusée (numéro invalide).",
        lambda: f"Carte de fidélité {groups(luhn_valid_body(rng, 16, '9'), [4, 4, 4, 4])} offerte.",
        lambda: f"Numéro de suivi {luhn_valid_body(rng, 16, '1')} chez le transporteur.",
        lambda: f"TVA FR{rng.randint(0, 99):02d} {digits(rng, 3)} {digits(rng, 3)} {digits(rng, 2)}X à confirmer.",
        lambda: f"N° TVA {(v := make_vat(rng))[:2]}{(int(v[2:4]) + rng.randint(1, 96)) % 97:02d}{v[4:]} rejeté.",
        lambda: f"Appelle le {groups(make_phone(rng)[:9], [2, 2, 2, 2])} (numéro incomplet).",
        lambda: f"Le {groups(make_phone(rng) + str(rng.randint(0, 9)), [2, 2, 2, 2, 2])} n'existe pas.",
        lambda: f"Réunion le {rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}/{year()} à 14h30.",
        lambda: f"Livraison prévue le {year()}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}.",
        lambda: f"Période du {rng.randint(1, 28):02d}.{rng.randint(1, 12):02d}.{year()} au "
                f"{rng.randint(1, 28):02d}.{rng.randint(1, 12):02d}.{year()}.",
        lambda: f"Commande n° {luhn_valid_body(rng, 9, str(rng.randint(1, 9)))} expédiée.",
        lambda: f"Commande n° {rng.randint(1, 9)}{digits(rng, 9)} en attente de paiement.",
        lambda: f"Commande CMD-{year()}-{digits(rng, 6)} validée.",
        lambda: f"Le chiffre d'affaires atteint {groups(luhn_valid_body(rng, 9, '4'), [3, 3, 3])} € cette année.",
        lambda: f"Budget total : {rng.randint(1, 9)} {digits(rng, 3)} {digits(rng, 3)},{digits(rng, 2)} €.",
        lambda: f"Une levée de {rng.randint(10, 99)} {digits(rng, 3)} 000 euros est prévue.",
        lambda: f"Adresse : {rng.randint(1, 120)} rue de la Gare, {rng.randint(10, 95)}0{rng.randint(10, 99)} "
                f"{rng.choice(CITIES)}.",
        lambda: f"Facture n° {make_phone(rng)} du {rng.randint(1, 28)} mars.",
        lambda: f"Merci de régler la facture FAC-{make_phone(rng)} sous 30 jours.",
        lambda: f"Facture {make_phone(rng)} en double, à annuler.",
        lambda: f"Référence FA{make_phone(rng)} sur le bon de livraison.",
        lambda: "Suivez-nous sur @sobria_fr et @acme_conseil.",
        lambda: f"Écris à {strip_accents(rng.choice(FIRST_NAMES)).lower()}@ pour compléter l'adresse.",
        lambda: f"Prix unitaire : 12 @ {rng.randint(2, 99)} € la pièce.",
        lambda: "Le serveur admin@localhost ne répond plus.",
        lambda: f"Virement de référence {digits(rng, 23)} reçu.",
        lambda: f"Rencontre avec {rng.choice(OTHER_PEOPLE)} la semaine prochaine.",
        lambda: f"{rng.choice(['Paul', 'Luc', 'Anne'])} {rng.choice(LAST_NAMES)} n'est pas client.",
        lambda: f"{rng.choice(FIRST_NAMES)} a appelé pour le planning.",
        lambda: f"Lot {digits(rng, 4)}-{digits(rng, 4)}-{digits(rng, 4)}-{digits(rng, 4)} réceptionné.",
        lambda: f"Ticket n° {luhn_valid_body(rng, 16, '4')} clos.",
    ]


# --- ordinary prose -------------------------------------------------------------------------------

PROSE_TEMPLATES = VOCABULARY["prose_templates"]
PLAIN_SENTENCES = VOCABULARY["plain_sentences"]
MONTHS = VOCABULARY["months"]


def prose_fields(rng: random.Random) -> dict[str, object]:
    return {
        "amount": f"{rng.randint(1, 999)} {digits(rng, 3)}" if rng.random() < 0.5 else str(rng.randint(10, 999)),
        "pct": rng.randint(1, 60), "pct2": rng.randint(1, 60), "n": rng.randint(2, 250),
        "date": f"{rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}/{rng.randint(2023, 2027)}",
        "time": f"{rng.randint(8, 18)}h{rng.choice(['00', '15', '30', '45'])}",
        "time2": f"{rng.randint(12, 20)}h{rng.choice(['00', '30'])}", "room": rng.randint(100, 450),
        "city": rng.choice(CITIES), "cp": f"{rng.randint(10, 95)}{rng.randint(0, 9)}{rng.randint(0, 99):02d}",
        "year": rng.randint(2019, 2028), "n4": digits(rng, 4), "n5": digits(rng, 5),
        "v": f"{rng.randint(1, 9)}.{rng.randint(0, 20)}.{rng.randint(0, 9)}",
        "x": f"{rng.randint(1, 999)},{rng.randint(0, 9)}", "big": f"{rng.randint(1, 99)} {digits(rng, 3)}",
        "big_amount": f"{rng.randint(1, 9)} {digits(rng, 3)} {digits(rng, 3)}", "month": rng.choice(MONTHS),
        "cents": f"0,{digits(rng, 3)}", "day": rng.randint(1, 14), "day2": rng.randint(15, 28),
    }


def prose(rng: random.Random, count: int) -> list[dict[str, object]]:
    out = []
    for n in range(count):
        sentences = [rng.choice(PROSE_TEMPLATES if rng.random() < 0.4 else PLAIN_SENTENCES).format(**prose_fields(rng))
                     for _ in range(rng.randint(2, 6))]
        out.append(record(f"prose-{n:03d}", "prose", [" ".join(sentences)]))
    return out


def near_misses(rng: random.Random, per_maker: int) -> list[dict[str, object]]:
    makers = near_miss_texts(rng)
    return [record(f"near-{i:02d}-{n:02d}", "near_miss", [make()])
            for i, make in enumerate(makers) for n in range(per_maker)]


def client_names(rng: random.Random) -> list[str]:
    people = {f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}" for _ in range(60)}
    return sorted(people) + COMPANIES


def generate(out_dir: Path) -> int:
    """Write clients.csv and corpus.jsonl into ``out_dir``; return the number of records."""
    rng = random.Random(SEED)
    clients = client_names(rng)
    with (out_dir / "clients.csv").open("w", encoding="utf-8", newline="") as fh:
        fh.write("id;nom;ville;segment\n")
        for i, name in enumerate(clients, 1):
            fh.write(f"C{i:04d};{name};{rng.choice(CITIES)};{rng.choice(['PME', 'ETI', 'Particulier'])}\n")
    records = positives(rng, clients, per_kind=80) + near_misses(rng, per_maker=12) + prose(rng, 400)
    with (out_dir / "corpus.jsonl").open("w", encoding="utf-8") as fh:
        for rec in records:
            fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
    return len(records)


def main() -> None:
    print(f"{generate(HERE)} records written to {HERE}")


if __name__ == "__main__":
    main()
