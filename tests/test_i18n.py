from twin import i18n


def test_every_entry_has_both_languages():
    missing = [
        (key, lang)
        for key, texts in i18n.catalogue().items()
        for lang in i18n.LANGUAGES
        if not str(texts.get(lang) or "").strip()
    ]
    assert missing == []


def test_placeholders_match_between_languages():
    mismatched = [
        key
        for key, texts in i18n.catalogue().items()
        if i18n.placeholders(texts["zh"]) != i18n.placeholders(texts["en"])
    ]
    assert mismatched == []


def test_default_language_is_chinese(monkeypatch):
    monkeypatch.delenv("TWIN_LANG", raising=False)
    i18n.set_language(None)
    assert i18n.t("common.account.welfare") == "福利专用账户"


def test_twin_lang_switches_to_english(monkeypatch):
    monkeypatch.setenv("TWIN_LANG", "en_US.UTF-8")
    i18n.set_language(None)
    assert i18n.t("common.account.welfare") == "welfare account"
