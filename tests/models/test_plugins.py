"""Models a user brings: `import_path` in codebench.toml and `codebench.models` entry points,
and every way building one can go wrong (each a ConfigError naming where and how to fix it)."""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path

import pytest

from codebench.errors import ConfigError
from codebench.models import Model, ModelOptions, Proposal, TaskView, get_model
from codebench.models.config import ModelConfig
from codebench.models.plugins import ENTRY_POINT_GROUP

MODEL_CODE = """
from codebench.models import Model, Proposal

class Agent(Model):
    def __init__(self, spec, config):
        self.spec, self.config = spec, config

    def propose(self, view, sample=0):
        return Proposal(patch="")

def make(spec, config):
    return Agent(spec, config)
"""


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A working folder that user modules and codebench.toml go in; sys.path and sys.modules
    are restored afterwards."""
    monkeypatch.setattr(sys, "path", [*sys.path])
    monkeypatch.setattr(sys, "modules", dict(sys.modules))
    monkeypatch.chdir(tmp_path)
    return tmp_path


def write_module(project: Path, name: str, code: str) -> None:
    (project / f"{name}.py").write_text(textwrap.dedent(code))


def options_with(project: Path, toml: str) -> ModelOptions:
    config = project / "codebench.toml"
    config.write_text(textwrap.dedent(toml))
    return ModelOptions.load(config)


def brought(project: Path, import_path: str, spec: str = "my-agent") -> Model:
    options = options_with(project, f'[models."{spec}"]\nimport_path = "{import_path}"\n')
    return get_model(spec, {}, options)


def failure(project: Path, import_path: str) -> str:
    with pytest.raises(ConfigError) as caught:
        brought(project, import_path)
    message = str(caught.value)
    # every message names the file, the table and the key, and says how to fix it
    assert "codebench.toml" in message
    assert '[models."my-agent"]' in message
    assert "import_path" in message
    assert '"package.module:factory"' in message
    return message


def test_a_factory_function_gets_the_spec_and_its_config(project: Path) -> None:
    write_module(project, "agents_ok", MODEL_CODE)
    options = options_with(
        project,
        """
        [models."my-agent"]
        import_path = "agents_ok:make"
        prompt_dir = "prompts"
        [models."my-agent".agent]
        max_steps = 7
        """,
    )
    model = get_model("my-agent", {}, options)
    assert model.spec == "my-agent"
    config = model.config  # type: ignore[attr-defined]
    assert isinstance(config, ModelConfig)
    assert config.agent.max_steps == 7 and config.prompt_dir == Path("prompts")
    assert model.propose(TaskView("t", "do", project)) == Proposal(patch="")


def test_a_model_subclass_is_a_factory_and_dotted_attributes_are_followed(project: Path) -> None:
    write_module(project, "agents_cls", MODEL_CODE + "\nclass Box:\n    Agent = Agent\n")
    assert brought(project, "agents_cls:Agent").spec == "my-agent"
    assert type(brought(project, "agents_cls:Box.Agent")).__name__ == "Agent"


def test_an_import_path_without_a_colon(project: Path) -> None:
    message = failure(project, "agents_ok.make")
    assert "not of the form 'module:factory'" in message


@pytest.mark.parametrize("path", [":make", "agents_ok:", " : "])
def test_an_import_path_with_an_empty_side(project: Path, path: str) -> None:
    assert "not of the form" in failure(project, path)


def test_a_module_that_does_not_exist(project: Path) -> None:
    message = failure(project, "no_such_pkg.agents:make")
    assert "no module named 'no_such_pkg'" in message
    assert "install the package" in message


def test_a_module_raising_on_import_is_named_with_its_exception(project: Path) -> None:
    write_module(project, "agents_boom", "raise ValueError('no API key in MY_AGENT_KEY')\n")
    message = failure(project, "agents_boom:make")
    assert "importing 'agents_boom' raised ValueError: no API key in MY_AGENT_KEY" in message
    assert "fix the module" in message


def test_a_module_exiting_on_import(project: Path) -> None:
    write_module(project, "agents_exit", "import sys\nsys.exit(3)\n")
    assert "raised SystemExit: 3" in failure(project, "agents_exit:make")


def test_a_module_whose_dependency_is_missing_is_not_called_missing_itself(project: Path) -> None:
    write_module(project, "agents_dep", "import not_installed_dependency\n")
    message = failure(project, "agents_dep:make")
    assert "importing 'agents_dep' raised ModuleNotFoundError" in message
    assert "not_installed_dependency" in message


def test_a_module_with_a_syntax_error(project: Path) -> None:
    write_module(project, "agents_syntax", "def make(:\n")
    assert "raised SyntaxError" in failure(project, "agents_syntax:make")


def test_a_missing_attribute_lists_what_the_module_has(project: Path) -> None:
    write_module(project, "agents_attr", MODEL_CODE)
    message = failure(project, "agents_attr:make_agent")
    assert "agents_attr has no attribute 'make_agent'" in message
    assert "Agent" in message and "make" in message


def test_an_attribute_that_is_not_callable(project: Path) -> None:
    write_module(project, "agents_value", "make = 42\n")
    assert "is a int, not callable" in failure(project, "agents_value:make")


def test_a_factory_that_raises(project: Path) -> None:
    write_module(project, "agents_raise", "def make(spec, config):\n    raise KeyError(spec)\n")
    message = failure(project, "agents_raise:make")
    assert "the factory raised KeyError: 'my-agent' (at agents_raise.py:2)" in message


def test_a_factory_with_the_wrong_signature(project: Path) -> None:
    write_module(project, "agents_sig", "def make():\n    return None\n")
    assert "the factory raised TypeError" in failure(project, "agents_sig:make")


def test_a_model_subclass_left_abstract(project: Path) -> None:
    write_module(
        project,
        "agents_abstract",
        "from codebench.models import Model\nclass Agent(Model):\n"
        "    def __init__(self, spec, config): pass\n",
    )
    message = failure(project, "agents_abstract:Agent")
    assert "the factory raised TypeError" in message and "propose" in message


def test_a_factory_returning_something_that_is_not_a_model(project: Path) -> None:
    write_module(project, "agents_dict", "def make(spec, config):\n    return {'spec': spec}\n")
    message = failure(project, "agents_dict:make")
    assert "the factory returned builtins.dict, not a codebench.models.Model" in message


def test_a_model_without_a_spec_gets_the_one_asked_for(project: Path) -> None:
    write_module(
        project,
        "agents_nospec",
        "from codebench.models import Model, Proposal\nclass Agent(Model):\n"
        "    def propose(self, view, sample=0): return Proposal(patch='')\n"
        "def make(spec, config): return Agent()\n",
    )
    model = brought(project, "agents_nospec:make")
    assert model.spec == "my-agent" and model.slug == "my-agent"


def test_a_model_whose_spec_cannot_be_set(project: Path) -> None:
    write_module(
        project,
        "agents_prop",
        "from codebench.models import Model, Proposal\nclass Agent(Model):\n"
        "    spec = property(lambda self: 'other')\n"
        "    def propose(self, view, sample=0): return Proposal(patch='')\n"
        "def make(spec, config): return Agent()\n",
    )
    assert "the model's spec cannot be set to 'my-agent'" in failure(project, "agents_prop:make")


def test_the_import_is_lazy(project: Path) -> None:
    write_module(project, "agents_lazy", "raise RuntimeError('imported')\n")
    options = options_with(project, '[models."my-agent"]\nimport_path = "agents_lazy:make"\n')
    assert get_model("gold", {}, options).spec == "gold"
    assert "agents_lazy" not in sys.modules
    with pytest.raises(ConfigError, match="imported"):
        get_model("my-agent", {}, options)


def test_a_built_in_spec_cannot_be_replaced(project: Path) -> None:
    options = options_with(project, '[models."gold"]\nimport_path = "x:y"\n')
    with pytest.raises(ConfigError, match=r"'gold' is a built-in model.*my-gold"):
        get_model("gold", {}, options)


def test_an_unknown_spec_lists_the_configured_and_installed_kinds(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    installed = project / "site"
    dist_info(installed, "acme-agents", "acme = acme_agents:make\n")
    monkeypatch.syspath_prepend(str(installed))
    options = options_with(project, '[models."my-agent"]\nimport_path = "x:y"\n')
    with pytest.raises(ConfigError) as caught:
        get_model("gpt4", {}, options)
    message = str(caught.value)
    assert message.startswith("unknown model spec 'gpt4'; known: gold, noop")
    assert "codebench.toml (import_path): my-agent" in message
    assert f"installed (entry points in {ENTRY_POINT_GROUP}): acme" in message


# -- entry points


def dist_info(site: Path, name: str, entry_points: str) -> None:
    """A minimal installed distribution `name` with `[codebench.models]` entry points."""
    folder = site / f"{name.replace('-', '_')}-1.0.dist-info"
    folder.mkdir(parents=True)
    (folder / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 1.0\n")
    (folder / "entry_points.txt").write_text(f"[{ENTRY_POINT_GROUP}]\n{entry_points}")


@pytest.fixture
def site(project: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder on sys.path holding distributions and their modules."""
    folder = project / "site"
    folder.mkdir()
    monkeypatch.syspath_prepend(str(folder))
    return folder


def test_an_entry_point_named_after_the_kind(site: Path) -> None:
    write_module(site, "acme_agents", MODEL_CODE)
    dist_info(site, "acme-agents", "acme = acme_agents:make\n")
    options = options_with(site.parent, '[models."acme:fast".agent]\nmax_steps = 3\n')
    model = get_model("acme:fast", {}, options)
    assert model.spec == "acme:fast"
    assert model.config.agent.max_steps == 3  # type: ignore[attr-defined]


def test_the_entry_point_lookup_is_monkeypatchable(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import importlib.metadata

    write_module(project, "acme_patched", MODEL_CODE)
    monkeypatch.syspath_prepend(str(project))
    point = importlib.metadata.EntryPoint("acme", "acme_patched:Agent", ENTRY_POINT_GROUP)

    def entry_points(**select: str) -> importlib.metadata.EntryPoints:
        assert select == {"group": ENTRY_POINT_GROUP}
        return importlib.metadata.EntryPoints([point])

    monkeypatch.setattr(importlib.metadata, "entry_points", entry_points)
    assert get_model("acme", {}).spec == "acme"


def test_two_entry_points_with_the_same_name(site: Path) -> None:
    dist_info(site, "acme-agents", "acme = acme_agents:make\n")
    dist_info(site, "other-agents", "acme = other_agents:make\n")
    with pytest.raises(ConfigError) as caught:
        get_model("acme", {})
    message = str(caught.value)
    assert "entry point 'acme' in group codebench.models is defined more than once" in message
    assert "'acme_agents:make' (from distribution 'acme-agents')" in message
    assert "'other_agents:make' (from distribution 'other-agents')" in message
    assert 'codebench.toml: [models."acme"] import_path = "package.module:factory"' in message


def test_the_same_entry_point_seen_twice_is_one(site: Path) -> None:
    write_module(site, "acme_twice", MODEL_CODE)
    dist_info(site, "acme-agents", "acme = acme_twice:make\n")
    copy = site.parent / "site2"
    dist_info(copy, "acme-agents", "acme = acme_twice:make\n")
    sys.path.append(str(copy))
    assert get_model("acme", {}).spec == "acme"


def test_a_broken_entry_point_says_how_to_override_it(site: Path) -> None:
    write_module(site, "acme_broken", "raise ImportError('needs acme-sdk>=2')\n")
    dist_info(site, "acme-agents", "acme = acme_broken:make\n")
    with pytest.raises(ConfigError) as caught:
        get_model("acme", {})
    message = str(caught.value)
    assert message.startswith("entry point 'acme' = 'acme_broken:make' in group codebench.models")
    assert "raised ImportError: needs acme-sdk>=2" in message
    assert "reinstall or fix distribution 'acme-agents'" in message
    assert '[models."acme"] import_path' in message


def test_an_entry_point_naming_a_module_only(site: Path) -> None:
    dist_info(site, "acme-agents", "acme = acme_agents\n")
    with pytest.raises(ConfigError, match="names a module, not a factory"):
        get_model("acme", {})


def test_import_path_comes_before_an_entry_point_and_built_ins_before_both(site: Path) -> None:
    write_module(site, "mine", MODEL_CODE.replace("class Agent", "class Mine"))
    write_module(site, "theirs", "raise RuntimeError('the entry point was imported')\n")
    dist_info(site, "theirs", "acme = theirs:make\ngold = theirs:make\n")
    options = options_with(site.parent, '[models."acme"]\nimport_path = "mine:Mine"\n')
    assert type(get_model("acme", {}, options)).__name__ == "Mine"
    assert get_model("gold", {}, options).spec == "gold"
    assert get_model("noop", {}, options).spec == "noop"
    assert "theirs" not in sys.modules
