"""Personal data is masked before it reaches a report."""

from twin.report.masking import mask_detail, mask_text


def test_name_key_masked():
    assert mask_detail({"name": "张三丰"}) == {"name": "张**"}


def test_card_key_masked():
    assert mask_detail({"pan": "6217990000000012345"}) == {"pan": "621799*********2345"}


def test_id_number_in_text_masked():
    assert mask_text("id 36010219900101123X ok") == "id 3601**********123X ok"


def test_card_number_in_nested_list_masked():
    assert mask_detail({"rows": [{"note": "card 6217990000000012345"}]}) == {"rows": [{"note": "card 621799*********2345"}]}


def test_short_numbers_kept():
    assert mask_text("file u1-202001171000-10, stan 000088") == "file u1-202001171000-10, stan 000088"


def test_amounts_kept():
    assert mask_detail({"amount": 50000, "member": "m1"}) == {"amount": 50000, "member": "m1"}
