"""Asks the page makes of the browser (cookies, scroll, focus) survive a run that never reached the screen."""

from ui.state import _merged_cookies


def test_a_newer_ask_keeps_the_cookies_of_one_the_browser_may_not_have_had():
    older = "roadmap_device=abc; Max-Age=100; Path=/\nroadmap_name=Ana; Max-Age=100; Path=/"
    newer = "roadmap_name=Ben; Max-Age=100; Path=/"
    merged = _merged_cookies(older, newer).splitlines()
    assert merged == ["roadmap_device=abc; Max-Age=100; Path=/", "roadmap_name=Ben; Max-Age=100; Path=/"]
    assert _merged_cookies("roadmap_device=abc; Max-Age=0; Path=/", "") == "roadmap_device=abc; Max-Age=0; Path=/"
