"""The command-line help in Chinese by default and in English when asked (--lang en anywhere on the
command line, or ASSESS_LANG=en); every command and option has both texts in messages.yaml; --lang
before the command; Chinese wrapped by display width."""
from __future__ import annotations

import re

import click
import pytest
from click.testing import CliRunner

from assess.cli import helptext, lazy, main
from assess.cli.helptext import display_width, option_key, wrap
from assess.core.messages import catalogue, message

FIXTURE = "fixtures/tanglang-community.yaml"
CJK = re.compile(r"[\u4e00-\u9fff]")


def run(*args: str, env: dict | None = None, **extra):
    return CliRunner().invoke(main, list(args), prog_name="assess", env=env, **extra)


def _commands() -> dict[str, click.Command]:
    lazy.load_all()
    return dict(dict.items(main.commands))


def _options(command: click.Command) -> list[click.Option]:
    ctx = click.Context(command, info_name=command.name)
    return [p for p in command.get_params(ctx) if isinstance(p, click.Option)]


# ---- every command and option has its texts ----

def test_every_command_has_a_help_and_a_summary_in_both_languages():
    texts = catalogue()
    for name in ["assess", *_commands()]:
        for key in (f"help.{name}", f"help.{name}.summary"):
            if key == "help.assess.summary":
                continue  # the group is listed by no one
            assert key in texts, f"no {key} in messages.yaml"
            zh, en = texts[key].get("zh"), texts[key].get("en")
            assert zh and en and zh != en, key
            assert CJK.search(zh), f"{key}: the zh text is not Chinese"


def test_every_option_of_every_command_has_a_help_in_both_languages():
    # Walks the command tree: an option added without its texts fails here.
    texts = catalogue()
    seen = 0
    for name, command in [("assess", main), *_commands().items()]:
        for option in _options(command):
            key = option_key(name, option)
            assert key in texts, f"assess {name} {option.opts}: no {key} (nor help.{name}.{option.opts[-1]})"
            zh, en = texts[key]["zh"], texts[key]["en"]
            assert CJK.search(zh) and en and zh != en, key
            seen += 1
    assert seen > 80


def test_options_carry_no_text_of_their_own():
    # The texts live in messages.yaml only: a help= in the code would be a second source.
    for name, command in [("assess", main), *_commands().items()]:
        for option in _options(command):
            # click's own -h/--help (kept on the command once a command line has made it: its
            # names are then those of the group's context, not of a bare Context's)
            if "--help" not in option.opts:
                assert option.help is None, f"assess {name} {option.opts}: help= in the code"


def test_no_help_text_names_a_command_or_option_that_is_not_there():
    commands = _commands()
    wanted = {"help.assess"} | {f"help.{c}" for c in commands} | {f"help.{c}.summary" for c in commands}
    for name, command in [("assess", main), *commands.items()]:
        wanted |= {option_key(name, option) for option in _options(command)}
    machinery = ("help.heading.", "help.extra.")
    unused = [k for k in catalogue() if k.startswith("help.") and k not in wanted and not k.startswith(machinery)]
    assert unused == []


# ---- the language of the help ----

def test_assess_help_is_chinese_by_default():
    out = run("--help").output
    assert out.startswith("用法: assess [OPTIONS] COMMAND [ARGS]...")
    assert "\n选项:\n" in out and "\n命令:\n" in out
    assert message("help.score.summary", "zh") in out and message("help.--help", "zh") in out
    assert "Show this message" not in out and "Options:" not in out


def test_assess_help_in_english_when_asked():
    out = run("--lang", "en", "--help").output
    assert out.startswith("Usage: assess") and "\nCommands:\n" in out
    assert message("help.score.summary", "en") in out and "选项" not in out


@pytest.mark.parametrize("args, env, lang", [
    (["score", "--help"], None, "zh"),
    (["score", "--help", "--lang", "en"], None, "en"),
    (["score", "--lang", "en", "--help"], None, "en"),
    (["score", "--lang=en", "--help"], None, "en"),
    (["--lang", "en", "score", "--help"], None, "en"),
    (["--lang", "en", "score", "--help", "--lang", "zh"], None, "zh"),  # the command's own --lang wins
    (["score", "--help"], {"ASSESS_LANG": "en"}, "en"),
    (["score", "--help", "--lang", "zh"], {"ASSESS_LANG": "en"}, "zh"),
])
def test_a_command_s_help_in_the_language_asked(args, env, lang):
    result = run(*args, env=env)
    assert result.exit_code == 0
    out = result.output
    usage = "用法" if lang == "zh" else "Usage"
    assert out.startswith(f"{usage}: assess score [OPTIONS] EVIDENCE...")
    # The command's help, an option's and click's annotations, all in that language.
    assert message("help.score", lang)[:20] in out
    assert message("help.score.--waivers", lang)[:12] in out
    assert ("[默认: utf-8-sig]" if lang == "zh" else "[default: utf-8-sig]") in out
    # Names, choices and metavars are what people type: the same in both.
    assert "--format [table|json|markdown|csv|html|xlsx|pdf]" in out and "--standard ID|ID@VERSION|FILE" in out
    other = "zh" if lang == "en" else "en"
    assert message("help.--help", other) not in out and message("help.heading.options", other) + ":" not in out


@pytest.mark.parametrize("command", ["batch", "report", "serve", "lint", "template", "import"])
def test_every_command_s_help_is_chinese_and_english(command):
    zh, en = run(command, "--help"), run(command, "--help", "--lang", "en")
    assert zh.exit_code == en.exit_code == 0
    assert message(f"help.{command}", "zh").split("\n")[0][:15] in zh.output and "\n选项:\n" in zh.output
    assert message(f"help.{command}", "en").split(" ")[0] in en.output and "\nOptions:\n" in en.output


def test_required_and_ranges_are_annotated_in_chinese():
    out = run("batch", "--help").output
    assert "[必填]" in out and "[x>=1]" in out and "required" not in out


# ---- --lang before the command ----

def test_lang_before_the_command_scores_in_english():
    result = run("--lang", "en", "score", FIXTURE)
    assert result.exit_code == 0, result.output
    assert "Kind: Community union" in result.output and "类型:" not in result.output


def test_the_command_s_own_lang_wins_over_the_group_s():
    result = run("--lang", "en", "score", FIXTURE, "--lang", "zh")
    assert result.exit_code == 0 and "类型: 社区工会" in result.output


def test_assess_lang_in_the_environment():
    assert "Kind: Community union" in run("score", FIXTURE, env={"ASSESS_LANG": "en"}).output
    assert "类型: 社区工会" in run("score", FIXTURE, "--lang", "zh", env={"ASSESS_LANG": "en"}).output


def test_usage_errors_follow_assess_lang_too():
    result = run("batch", FIXTURE, env={"ASSESS_LANG": "en"})
    assert result.exit_code == 2 and "error: missing option --standard" in result.output
    assert "Usage: assess batch" in result.output


def test_a_wrong_language_is_said_in_chinese():
    wrong = run("--lang", "fr", "score", FIXTURE)
    assert wrong.exit_code == 2 and "错误: --lang: fr 不是可选值之一 (可选: zh, en)" in wrong.output
    env = run("score", FIXTURE, env={"ASSESS_LANG": "fr"})
    assert env.exit_code == 2 and "错误: 环境变量 ASSESS_LANG 的值 fr 不是可选值之一" in env.output
    assert "Traceback" not in env.output
    chosen = run("standards", "--lang", "en", env={"ASSESS_LANG": "fr"})  # the command line wins: no mixed languages
    assert chosen.exit_code == 0 and "ASSESS_LANG" not in chosen.output and "Standard" in chosen.output


def test_version_in_the_language_asked():
    assert re.match(r"assess 版本 \S+\n$", run("--version").output)
    assert re.match(r"assess, version \S+\n$", run("--lang", "en", "--version").output)


# ---- cold start: no help asked, no help text looked up ----

def test_scoring_looks_up_no_help_text(monkeypatch):
    looked_up = []
    monkeypatch.setattr(helptext, "_text", lambda key, lang, **p: looked_up.append(key) or key)
    assert run("score", FIXTURE).exit_code == 0 and looked_up == []
    run("score", "--help")
    assert "help.score" in looked_up  # the probe sees a help when there is one


# ---- wrapping by display width ----

def test_chinese_is_wrapped_by_display_width():
    lines = wrap("评" * 50, 20).splitlines()
    assert [display_width(line) for line in lines] == [20] * 5
    # Never a line that starts with closing punctuation, nor an annotation cut in two.
    for width in range(8, 40):
        for line in wrap("一票否决、必备项和档次, 见评分表。  [默认: table]", width).splitlines()[1:]:
            assert line[0] not in "、。,)" and not line.startswith("table]"), (width, line)
    assert wrap("one two three", 7) == "one two\nthree"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_help_fits_an_80_column_terminal(lang):
    for name in ["", *_commands()]:
        args = [name] if name else []
        # click writes help 2 columns narrower than the terminal
        out = run(*args, "--help", "--lang", lang, terminal_width=78).output
        for line in out.splitlines():
            assert display_width(line) <= 78, (name, line)
            if lang == "zh" and line.startswith(" " * 20):  # a wrapped option help
                assert line.strip()[0] not in "，。、；：),;:", (name, line)
