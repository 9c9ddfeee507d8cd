"""requirements.txt is the lock: every package the project installs is pinned there, with everything it pulls in.
A dependency left unpinned takes whatever release is newest the day a fresh clone installs, so CI could go red
(or worse, green with another tool's behaviour) with no change of ours."""

import tomllib
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]


def pinned_versions() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "requirements.txt").read_text().splitlines():
        line = line.split("#")[0].strip()
        if line:
            name, separator, version = line.partition("==")
            assert separator, f"requirements.txt: {line!r} is not pinned to one version"
            pins[canonicalize_name(name)] = version
    return pins


def requirements_in_effect(requirements: list[str]) -> list[Requirement]:
    """A package's requirements that apply here, with no extras asked for."""
    parsed = [Requirement(text) for text in requirements]
    return [requirement for requirement in parsed
            if requirement.marker is None or requirement.marker.evaluate({"extra": ""})]


def test_every_pinned_package_is_installed_at_its_pinned_version():
    for name, version in pinned_versions().items():
        assert metadata.version(name) == version, name


def test_what_the_pinned_packages_and_the_project_require_is_pinned_too():
    pins = pinned_versions()
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    required_by = {"pyproject.toml": project["dependencies"]}
    required_by |= {name: metadata.requires(name) or [] for name in pins}
    for dependent, requirements in required_by.items():
        for requirement in requirements_in_effect(requirements):
            name = canonicalize_name(requirement.name)
            assert name in pins, f"{dependent} requires {requirement}, which requirements.txt does not pin"
            assert requirement.specifier.contains(pins[name], prereleases=True), (
                f"{dependent} requires {requirement}; requirements.txt pins {pins[name]}")


def test_requirements_for_other_pythons_or_for_extras_are_left_out():
    requirements = requirements_in_effect(["jinja2>=3", "tomli; python_version < '3.0'", "pytest-cov; extra == 'cov'"])
    assert [requirement.name for requirement in requirements] == ["jinja2"]


def test_the_build_backend_is_pinned():
    build_requirements = tomllib.loads((ROOT / "pyproject.toml").read_text())["build-system"]["requires"]
    for requirement in map(Requirement, build_requirements):
        assert str(requirement.specifier).startswith("=="), f"pyproject.toml builds with {requirement}, not one version"
