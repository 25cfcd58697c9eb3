from core.slugs import readable_slug, unique_slug


def test_chinese_titles_become_pinyin_addresses():
    assert readable_slug("蓝印扎染：第一课") == "lan-yin-za-ran-di-yi-ke"
    assert readable_slug("奉化布龙 Lesson 2") == "feng-hua-bu-long-lesson-2"
    assert readable_slug("！！") == ""


def test_a_taken_address_gets_a_number_and_nothing_is_left_empty():
    assert unique_slug("扎染", {"za-ran"}) == "za-ran-2"
    assert unique_slug("扎染", {"za-ran", "za-ran-2"}) == "za-ran-3"
    assert unique_slug("！！", set(), fallback="lesson") == "lesson"
    assert len(unique_slug("很长的标题" * 30, set())) <= 60
