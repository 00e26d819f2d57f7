"""`[tool.modal-upgrade]`: finding the file, checking keys and types, merging flags, globs."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from migrate.config import ConfigError, Settings, find_config, load_settings
from migrate.selection import select_rules
from rules import ALL_RULES


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip("\n"))
    return path


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    write(
        tmp_path / "pyproject.toml",
        """
        [project]
        name = "demo"

        [tool.modal-upgrade]
        select = ["MOD1", "mod301"]
        ignore = ["MOD105"]
        per-file-ignores = { "tests/**" = ["MOD101"], "legacy_*.py" = ["ALL"] }
        exclude = ["generated"]
        extend-exclude = ["scripts/old_*.py"]
        target-version = "1.0"
        unsafe-fixes = true
        output-format = "github"
        """,
    )
    write(tmp_path / "src" / "app.py", "import modal\n")
    monkeypatch.chdir(tmp_path)
    return tmp_path


# ---- finding the file --------------------------------------------------------------------------


def test_found_by_walking_up_from_the_first_path(repo: Path) -> None:
    assert find_config([repo / "src" / "app.py"]) == repo / "pyproject.toml"
    assert find_config([repo / "src"]) == repo / "pyproject.toml"
    assert find_config([]) == repo / "pyproject.toml"  # from the working directory


def test_a_pyproject_without_the_table_is_passed_over(repo: Path) -> None:
    write(repo / "src" / "pyproject.toml", '[project]\nname = "sub"\n')
    assert find_config([repo / "src" / "app.py"]) == repo / "pyproject.toml"


def test_the_closest_table_wins_and_is_not_merged(repo: Path) -> None:
    write(repo / "src" / "pyproject.toml", '[tool.modal-upgrade]\nignore = ["MOD301"]\n')
    settings = load_settings([repo / "src" / "app.py"])
    assert settings.source == repo / "src" / "pyproject.toml"
    assert settings.ignore == ["MOD301"] and settings.select is None


def test_no_config_gives_the_defaults(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    write(tmp_path / "a.py", "")
    assert find_config([tmp_path / "a.py"]) is None
    settings = load_settings([tmp_path / "a.py"])
    assert settings == Settings() and settings.source is None and settings.root == tmp_path
    assert (settings.select, settings.ignore, settings.unsafe_fixes, settings.output_format) == (None, [], False, "full")
    assert settings.selectors() == (None, None)


# ---- reading and checking ----------------------------------------------------------------------


def test_every_key_is_read(repo: Path) -> None:
    s = load_settings([repo / "src"])
    assert s.source == repo / "pyproject.toml"
    assert s.select == ["MOD1", "MOD301"]  # upper-cased
    assert s.ignore == ["MOD105"]
    assert s.per_file_ignores == {"tests/**": ["MOD101"], "legacy_*.py": ["ALL"]}
    assert s.exclude == ["generated"] and s.extend_exclude == ["scripts/old_*.py"]
    assert s.target_version == "1.0" and s.unsafe_fixes is True and s.output_format == "github"


def test_selectors_feed_the_rule_selection(repo: Path) -> None:
    s = load_settings([repo])
    assert s.selectors() == ("MOD1,MOD301", "MOD105")
    codes = [rule.CODE for rule in select_rules(ALL_RULES, *s.selectors())]
    assert "MOD105" not in codes and "MOD301" in codes and "MOD101" in codes and "MOD401" not in codes


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ('selec = ["MOD1"]', "pyproject.toml: unknown key 'selec' in [tool.modal-upgrade] (did you mean 'select'?)"),
        ("select = 'MOD1'", "pyproject.toml: 'select' must be a list of rule codes, got \"MOD1\""),
        ('ignore = ["MOD-1"]', "pyproject.toml: 'ignore' has an invalid rule code 'MOD-1'"),
        ("unsafe-fixes = 1", "pyproject.toml: 'unsafe-fixes' must be true or false, got 1"),
        ('target-version = "latest"', "pyproject.toml: 'target-version' must be \"auto\" or a Modal version like \"1.0\""),
        ("target-version = 1.0", "pyproject.toml: 'target-version' must be \"auto\" or a Modal version"),
        ('output-format = "xml"', "pyproject.toml: 'output-format' must be one of full, concise, json"),
        ('per-file-ignores = ["x"]', "pyproject.toml: 'per-file-ignores' must be a table of glob = [codes]"),
        ('per-file-ignores = { "a.py" = "MOD1" }', "pyproject.toml: 'per-file-ignores' entry 'a.py' must be a list of rule codes"),
        ("exclude = [1]", "pyproject.toml: 'exclude' must be a list of glob patterns, got [1]"),
    ],
)
def test_bad_keys_and_values_name_the_key_and_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, body: str, message: str) -> None:
    monkeypatch.chdir(tmp_path)
    write(tmp_path / "pyproject.toml", f"[tool.modal-upgrade]\n{body}\n")
    with pytest.raises(ConfigError) as caught:
        load_settings([tmp_path])
    assert str(caught.value).startswith(message)


def test_invalid_toml_is_a_config_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    write(tmp_path / "pyproject.toml", "[tool.modal-upgrade\nselect = \n")
    with pytest.raises(ConfigError, match=r"^pyproject.toml: invalid TOML"):
        load_settings([tmp_path])


def test_error_names_a_config_file_outside_the_working_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = tmp_path / "project"
    write(project / "pyproject.toml", "[tool.modal-upgrade]\nbogus = 1\n")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    with pytest.raises(ConfigError) as caught:
        load_settings([project])
    assert str(caught.value) == f"{project.as_posix()}/pyproject.toml: unknown key 'bogus' in [tool.modal-upgrade]"


def test_target_version_accepts_patch_versions(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    write(tmp_path / "pyproject.toml", '[tool.modal-upgrade]\ntarget-version = "0.73.76"\n')
    assert load_settings([tmp_path]).target_version == "0.73.76"


# ---- the command line over the file ------------------------------------------------------------


def test_flags_override_and_none_means_not_given(repo: Path) -> None:
    s = load_settings([repo])
    m = s.merged(output_format="json", unsafe_fixes=False, target_version=None, exclude=None)
    assert m.output_format == "json" and m.unsafe_fixes is False
    assert m.target_version == "1.0" and m.exclude == ["generated"]
    assert m.source == s.source and s.output_format == "github"  # the original is untouched


def test_select_flag_starts_a_new_selection(repo: Path) -> None:
    m = load_settings([repo]).merged(select="MOD401")
    assert m.select == ["MOD401"] and m.ignore == [] and m.selectors() == ("MOD401", None)


def test_ignore_and_extend_flags_add_to_the_config(repo: Path) -> None:
    m = load_settings([repo]).merged(ignore="MOD106,MOD107", extend_select=["MOD401"], extend_exclude=["tmp"])
    assert m.ignore == ["MOD105", "MOD106", "MOD107"]
    assert m.select == ["MOD1", "MOD301"] and m.extend_select == ["MOD401"]
    assert m.selectors() == ("MOD1,MOD301,MOD401", "MOD105,MOD106,MOD107")
    assert m.extend_exclude == ["scripts/old_*.py", "tmp"]


def test_bad_flag_values_are_config_errors_naming_the_flag(repo: Path) -> None:
    with pytest.raises(ConfigError, match=r"^command line: --output-format must be one of"):
        load_settings([repo]).merged(output_format="xml")
    with pytest.raises(TypeError, match="unknown setting"):
        load_settings([repo]).merged(colour=True)


# ---- globs -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("relative", "excluded"),
    [
        ("generated/models.py", True),  # a name pattern matches a directory anywhere
        ("src/generated/deep/x.py", True),
        ("src/generated_not.py", False),
        ("scripts/old_job.py", True),  # a path pattern is anchored at the config's directory
        ("scripts/nested/old_job.py", False),
        ("other/scripts/old_job.py", False),
        ("src/app.py", False),
    ],
)
def test_exclude_globs(repo: Path, relative: str, excluded: bool) -> None:
    s = load_settings([repo])
    assert s.is_excluded(repo / relative) is excluded
    assert s.is_excluded(Path(relative)) is excluded  # relative to the working directory (the repo here)


def test_globs_are_relative_to_the_config_directory_not_the_working_directory(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    s = load_settings([repo])
    monkeypatch.chdir(repo / "src")
    assert s.is_excluded(Path("../scripts/old_job.py"))
    assert s.ignored_codes_for(Path("../tests/unit/test_x.py")) == {"MOD101"}


def test_per_file_ignores(repo: Path) -> None:
    s = load_settings([repo])
    assert s.ignored_codes_for(repo / "tests" / "unit" / "test_app.py") == {"MOD101"}
    assert s.ignored_codes_for(repo / "src" / "legacy_jobs.py") == {"ALL"}
    assert s.ignored_codes_for(repo / "src" / "app.py") == set()


def test_glob_syntax(tmp_path: Path) -> None:
    s = Settings(exclude=["**/fixtures/*.py", "[!a]b.py", "./.cache"], source=tmp_path / "pyproject.toml")
    assert s.is_excluded(tmp_path / "x" / "y" / "fixtures" / "one.py")
    assert s.is_excluded(tmp_path / "fixtures" / "one.py")
    assert not s.is_excluded(tmp_path / "fixtures" / "sub" / "one.py")
    assert s.is_excluded(tmp_path / "cb.py") and not s.is_excluded(tmp_path / "ab.py")
    assert s.is_excluded(tmp_path / ".cache" / "x.py") and not s.is_excluded(tmp_path / "src" / ".cache" / "x.py")


# ---- --show-settings ---------------------------------------------------------------------------


def test_show_prints_the_resolved_settings_as_toml(repo: Path) -> None:
    text = load_settings([repo]).merged(output_format="json").show()
    assert f"# config file: {repo / 'pyproject.toml'}" in text
    assert "[tool.modal-upgrade]" in text
    assert 'select = ["MOD1", "MOD301"]' in text
    assert 'per-file-ignores = { "tests/**" = ["MOD101"], "legacy_*.py" = ["ALL"] }' in text
    assert 'output-format = "json"' in text and "unsafe-fixes = true" in text
    assert 'target-version = "1.0"' in text


def test_show_without_a_config(tmp_path: Path) -> None:
    text = Settings().show()
    assert "# config file: none (defaults)" in text and "# select is not set (every rule)" in text
    assert "ignore = []" in text and 'output-format = "full"' in text
