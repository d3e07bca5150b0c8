from __future__ import annotations

from pathlib import Path

import polars as pl

from sobria.demo import DemoData, generate_demo, write_demo
from sobria.demo.writer import EVENT_FILE_COLUMNS
from sobria.events.schema import EVENT_COLUMNS


def test_same_seed_gives_byte_identical_files(demo: DemoData, tmp_path: Path) -> None:
    first = write_demo(demo, tmp_path / "a")
    second = write_demo(generate_demo(2025), tmp_path / "b")
    assert sorted(first) == ["charter", "company", "events", "people", "readme", "truth"]
    for name, path in first.items():
        assert path.read_bytes() == second[name].read_bytes(), name
    assert [p.name for p in first.values()] == ["people.csv", "events.csv", "waste_truth.csv", "README.txt",
                                                 "charte.yaml", "entreprise.yaml"]


def test_events_file_uses_canonical_column_names(demo: DemoData, tmp_path: Path) -> None:
    paths = write_demo(demo, tmp_path)
    lines = paths["events"].read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    assert header == list(EVENT_FILE_COLUMNS)
    assert set(header) - {"prompt"} <= {c.name for c in EVENT_COLUMNS}
    assert len(lines) == 31872 + 1
    assert lines[1].startswith("demo-000001,2025-01-02T07:")
    back = pl.read_csv(paths["events"], infer_schema_length=0)
    assert back.height == 31872
    assert back["ts"].str.contains(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$").all()


def test_truth_and_people_files(demo: DemoData, tmp_path: Path) -> None:
    paths = write_demo(demo, tmp_path)
    truth = paths["truth"].read_text(encoding="utf-8").splitlines()
    assert truth[0] == "event_id,reason,waste,not_waste_lookalike,chain_id,chain_position"
    assert len(truth) == demo.truth.height + 1
    people = paths["people"].read_text(encoding="utf-8").splitlines()
    assert people[0] == "identifier,team,role,display_name"
    assert people[1] == "julie.morel@techvert.fr,marketing,Responsable marketing,Julie Morel"
    assert len(people) == 46


def test_readme_in_french_and_english(demo: DemoData, tmp_path: Path) -> None:
    french = write_demo(demo, tmp_path / "fr")["readme"].read_text(encoding="utf-8")
    assert french.startswith("TechVert : jeu de données de démonstration de Sobria (graine 2025)\n")
    assert "31872 requêtes IA sur 145 jours ouvrés du 2025-01-02 au 2025-07-31" in french
    assert "waste_truth.csv : la vérité terrain" in french
    english = write_demo(demo, tmp_path / "en", lang="en")["readme"].read_text(encoding="utf-8")
    assert english.startswith("TechVert: Sobria's demo data set (seed 2025)\n")
