"""Bad files and the exact problem lines they produce, in English and Chinese."""

import pytest

from twin.scenario import ScenarioError, load_scenario, parse_scenario

from .samples import BASE, problems

F = "scenarios/peak.yaml"

CASES = [
    (
        "disbursements:\n  - {festival: spring_festival, date: 2020-01-20, amount: 12.345}\n",
        f"{F}:16: disbursements[0].amount: 12.345 has more than two decimal places; "
        "write yuan with at most two decimals, for example 12.35",
        f"{F}:16: disbursements[0].amount: 12.345 的小数超过两位；金额以元为单位，最多两位小数，例如 12.35",
    ),
    (
        "script:\n  - {do: deposit, member: m1, amont: 10}\n",
        f"{F}:16: script[0].amont: unknown key amont; did you mean amount?",
        f"{F}:16: script[0].amont: 未知的键 amont；是否想写 amount？",
    ),
    (
        "script:\n  - {do: purchse, member: m1}\n",
        f"{F}:16: script[0].do: unknown action purchse; did you mean purchase?",
        f"{F}:16: script[0].do: 未知的操作 purchse；是否想写 purchase？",
    ),
    (
        "script:\n  - {do: deposit, member: m1}\n",
        f"{F}:16: script[0].amount: amount is missing; add amount",
        f"{F}:16: script[0].amount: 缺少必填项 amount；添加 amount",
    ),
    (
        "script:\n  - {do: deposit, member: m1, amount: 5, account: wellfare}\n",
        f"{F}:16: script[0].account: wellfare is not allowed here; did you mean welfare?",
        f"{F}:16: script[0].account: 不允许的值 wellfare；是否想写 welfare？",
    ),
    (
        "script:\n  - {do: activate, member: m1, pin: 135790}\n",
        f"{F}:16: script[0].pin: the PIN 135790 is written as a number, which loses leading zeros; "
        'put the PIN in quotes, for example "135790"',
        f'{F}:16: script[0].pin: 密码 135790 写成了数字，开头的 0 会丢失；给密码加引号，例如 "135790"',
    ),
    (
        "script:\n  - {do: purchase, member: m1, merchant: s1, amount: 5, stan: 0123}\n",
        f"{F}:16: script[0].stan: 0123 would be read by YAML as an octal or base-60 number; "
        'put it in quotes, for example "0123", or drop the leading zero',
        f'{F}:16: script[0].stan: 0123 会被 YAML 当作八进制或六十进制数读取；加引号写成文本，例如 "0123"，或去掉开头的 0',
    ),
    (
        "script:\n  - {do: advance, days: 1, hours: 2}\n",
        f"{F}:16: script[0]: advance gives: days, hours; "
        "give exactly one of days, hours, minutes, working_days or until",
        f"{F}:16: script[0]: advance 给出了：days, hours；只写 days、hours、minutes、working_days、until 之一",
    ),
    (
        "script:\n  - {do: deposit, member: m9, amount: 5}\n",
        f"{F}:16: script[0].member: there is no member with the id m9; declare it under actors, "
        "or use a known id: m1",
        f"{F}:16: script[0].member: 没有标识为 m9 的会员；在 actors 中声明它，或使用已有的标识：m1",
    ),
    (
        "script:\n  - {do: deposit, member: u1, amount: 5}\n",
        f"{F}:16: script[0].member: u1 is a union, but a member is needed here; use the id of a member",
        f"{F}:16: script[0].member: u1 是工会，这里需要会员；使用一个会员的标识",
    ),
    (
        "script:\n  - {do: refund, of: p1}\n  - {id: p1, do: purchase, member: m1, merchant: s1, amount: 5}\n",
        f"{F}:16: script[0].of: the step p1 comes after this one; of may only name an earlier step",
        f"{F}:16: script[0].of: 步骤 p1 在这一步之后；of 只能引用前面的步骤",
    ),
    (
        "script:\n  - {id: d1, do: deposit, member: m1, amount: 5}\n  - {do: refund, of: d1}\n",
        f"{F}:17: script[1].of: the step d1 is a deposit, which cannot be named here; "
        "name a step of one of these kinds: complete_preauth, purchase",
        f"{F}:17: script[1].of: 步骤 d1 是 deposit，不能在这里引用；这里可以引用的步骤类型：complete_preauth, purchase",
    ),
    (
        "script:\n  - {at: '2020-01-07 10:00', do: enrol, member: m1}\n"
        "  - {at: '2020-01-07 09:00', do: enrol, member: m1}\n",
        f"{F}:17: script[1].at: the time 2020-01-07 09:00 is before 2020-01-07 10:00, which earlier steps "
        "have already reached; script time only moves forward; change this time or an earlier advance step",
        f"{F}:17: script[1].at: 时间 2020-01-07 09:00 早于前面步骤已到达的时间 2020-01-07 10:00；"
        "步骤时间只能向前；调整这个时间或前面的 advance 步骤",
    ),
    (
        "script:\n  - {do: advance, days: 60}\n",
        f"{F}:16: script[0].days: the script reaches 2020-03-06 09:00, after the scenario's end "
        "2020-02-28 00:00; shorten the advance steps or move end later",
        f"{F}:16: script[0].days: 脚本时间 2020-03-06 09:00 晚于场景结束 2020-02-28 00:00；缩短 advance，或把 end 推后",
    ),
    (
        "script:\n  - {at: '2030-01-07 10:00', do: enrol, member: m1}\n",
        f"{F}:16: script[0].at: 2030-01-07 10:00 is outside the holiday calendar's data; "
        "use dates from 2004-01-01 to 2026-12-31, or upgrade the chinesecalendar package",
        f"{F}:16: script[0].at: 2030-01-07 10:00 超出节假日日历的数据范围；"
        "使用 2004-01-01 至 2026-12-31 之间的日期，或升级 chinesecalendar 包",
    ),
    (
        "script:\n  - {do: enrol, member: m1, expect: {response: '00', approved: false}}\n",
        f'{F}:16: script[0].expect: the response code 00 contradicts approved: false; only response "00" '
        "means approved; correct one of them or remove approved",
        f'{F}:16: script[0].expect: 应答码 00 与 approved: false 矛盾；只有应答码 "00" 表示成功；改正其中一项或删除 approved',
    ),
    (
        "expect:\n  balances: {u1: {main: 3}}\n",
        f"{F}:16: expect.balances.u1.main: u1 is a union and has no main account; "
        "use main, welfare or transit_wallet for a member and corporate for a union",
        f"{F}:16: expect.balances.u1.main: u1 是工会，没有 main 账户；会员用 main、welfare、transit_wallet，工会用 corporate",
    ),
    (
        "rollout:\n  - {name: w, start: 2020-01-06, end: 2020-02-01, units: ['city:赣州']}\n",
        f'{F}:16: rollout[0].units[0]: "赣州" is not a city of Jiangxi; use one of the full names: '
        "南昌市, 景德镇市, 萍乡市, 九江市, 新余市, 鹰潭市, 赣州市, 吉安市, 宜春市, 抚州市, 上饶市",
        f'{F}:16: rollout[0].units[0]: "赣州" 不是江西省的设区市；使用全称之一：'
        "南昌市、景德镇市、萍乡市、九江市、新余市、鹰潭市、赣州市、吉安市、宜春市、抚州市、上饶市",
    ),
    (
        "faults:\n  core_unavailable:\n    - {from: '2020-01-07 10:00', to: '2020-01-07 09:00'}\n",
        f"{F}:17: faults.core_unavailable[0]: the start is not before the end "
        "(2020-01-07 10:00 >= 2020-01-07 09:00); make from earlier than to",
        f"{F}:17: faults.core_unavailable[0]: 开始不早于结束（2020-01-07 10:00 >= 2020-01-07 09:00）；把 from 写得早于 to",
    ),
    (
        "seed: 2\n",
        f"{F}:15: seed: the key seed appears twice in the same mapping; delete one of them and keep the value you mean",
        f"{F}:15: seed: 键 seed 在同一层出现了两次；删除多余的一个，只保留想要的值",
    ),
]


@pytest.mark.parametrize(("tail", "english", "chinese"), CASES)
def test_bad_file_english(tail, english, chinese):
    assert problems(BASE + tail, "en") == [english]


@pytest.mark.parametrize(("tail", "english", "chinese"), CASES)
def test_bad_file_chinese(tail, english, chinese):
    assert problems(BASE + tail, "zh") == [chinese]


def test_chinese_is_default(monkeypatch):
    monkeypatch.delenv("TWIN_LANG", raising=False)
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(BASE + "seed: 2\n", F)
    assert caught.value.problems[0].lang == "zh"


def test_unknown_top_key_suggests():
    assert problems("naem: x\n" + BASE) == [f"{F}:1: naem: unknown key naem; did you mean name?"]


def test_unknown_key_without_match_lists_allowed():
    lines = problems(BASE.replace("province: {scale: 0}", "province: {scale: 0, zzz: 1}"))
    assert lines == [
        f"{F}:5: province.zzz: unknown key zzz; remove it; the keys allowed here are: "
        "scale, regression_scale, population, unions, branches, merchants"
    ]


def test_typo_replaces_missing_report():
    lines = problems(BASE.replace("name: t\n", "nme: t\n"))
    assert lines == [f"{F}:1: nme: unknown key nme; did you mean name?"]


def test_yaml_syntax_error_has_line_and_column():
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(BASE + "script:\n  - {do: enrol, member: m1\n", F, "en")
    problem = caught.value.problems[0]
    assert (problem.line, problem.column, problem.code) == (17, 1, "yaml_syntax")


def test_multiple_problems_all_reported_with_lines():
    text = (
        BASE.replace("seed: 1", "seed: -1")
        + "script:\n"
        + "  - {do: deposit, member: m1, amount: 1.001}\n"
        + "  - {do: purchase, member: m1, merchant: s9, amount: 5}\n"
        + "  - {do: ride, member: m1, mode: metro}\n"
    )
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(text, F, "en")
    found = [(p.line, p.path, p.code) for p in caught.value.problems]
    assert found == [
        (2, "seed", "greater_than_equal"),
        (16, "script[0].amount", "amount_too_many_decimals"),
        (17, "script[1].merchant", "unknown_actor"),
        (18, "script[2]", "ride_distance"),
    ]


def test_problem_fields():
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(BASE + "script:\n  - {do: deposit, member: m1, amount: 1.001}\n", F, "en")
    problem = caught.value.problems[0]
    assert problem.file == F
    assert (problem.line, problem.column) == (16, 39)
    assert problem.value == "1.001"
    assert problem.message == "1.001 has more than two decimal places"
    assert problem.fix == "write yuan with at most two decimals, for example 12.35"


def test_missing_file_is_a_problem(tmp_path):
    with pytest.raises(ScenarioError) as caught:
        load_scenario(tmp_path / "none.yaml", "en")
    assert caught.value.problems[0].code == "file_not_found"


def _file_problem(path) -> str:
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path, "zh")
    return str(caught.value.problems[0])


def test_non_utf8_file_says_save_as_utf8(tmp_path):
    path = tmp_path / "gbk.yaml"
    path.write_bytes("name: 测试\n".encode("gbk"))
    assert _file_problem(path).endswith("不是 UTF-8 编码；用编辑器把文件另存为 UTF-8 编码")


def test_folder_problem_in_chinese(tmp_path):
    assert "Is a directory" not in _file_problem(tmp_path)


def test_folder_problem_says_folder(tmp_path):
    assert "是目录，不是文件" in _file_problem(tmp_path)


def test_empty_file_says_empty(tmp_path):
    path = tmp_path / "empty.yaml"
    path.write_text("# nothing yet\n", encoding="utf-8")
    assert "是空的；" in _file_problem(path)


def test_top_level_list_rejected():
    assert problems("- a\n- b\n") == [
        f"{F}:1: the top of the file is list, not a mapping; start the file with keys such as name:, seed: and start:"
    ]


def test_error_text_lists_every_problem():
    text = BASE.replace("seed: 1", "seed: x") + "naem: 3\n"
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(text, F, "en")
    assert str(caught.value).count(F) == 2
