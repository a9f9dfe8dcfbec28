"""A learner enrols, plays a demo lesson video, reloads and resumes at the saved position.

Along the way they open the transcript (with the keyboard) and choose a playback speed, which
the browser remembers across the reload. The catalog, course and lesson pages also pass axe.
The player is driven with its own events (play, seek, pause), never with sleeps.
"""

import pytest

from tests.browser.conftest import axe_violations, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

COURSE = "/courses/getting-started/"
LESSON = "/courses/getting-started/your-first-deployment/"
RESUME_AT = 12.0
# learner1 and learner2 complete “Getting started” in the demo (portal.demo.seed_feedback).
LEARNER = "learner3@demo.localhost"
SPEED = "1.5"

WAIT_FOR_METADATA = """async () => {
  const video = document.querySelector("video[data-lesson-video]");
  if (video.readyState < 1) {
    await new Promise((resolve, reject) => {
      video.addEventListener("loadedmetadata", resolve, {once: true});
      video.addEventListener("error", () => reject(new Error("video error")), {once: true});
    });
  }
  return video.duration;
}"""

# Chromium resolves *.localhost itself; Playwright's request client does not, so fetch in-page.
FETCH_HEADERS = """async (urls) => Promise.all(urls.map(async (url) => {
  const response = await fetch(url);
  const text = await response.text();
  return [response.headers.get("content-type") || "",
          response.headers.get("content-disposition") || "", text.slice(0, 6)];
}))"""

PLAY_SEEK_PAUSE = """async (seconds) => {
  const video = document.querySelector("video[data-lesson-video]");
  video.muted = true;
  await video.play();
  const seeked = new Promise((resolve) => video.addEventListener("seeked", resolve, {once: true}));
  video.currentTime = seconds;
  await seeked;
  video.pause();
}"""


def _is_progress_ping(response) -> bool:
    return "/learning/progress/" in response.url and response.request.method == "POST"


def test_learner_resumes_video_after_reload_and_pages_pass_axe(demo_portal, live_server, page):
    port = live_server.url.rsplit(":", 1)[1]
    base = f"http://demo.localhost:{port}"
    sign_in(page, base, LEARNER)

    page.goto(f"{base}/courses/")
    assert axe_violations(page) == []

    page.goto(f"{base}{COURSE}")
    page.get_by_role("button", name="Enrol for free").click()
    page.wait_for_load_state()
    assert page.get_by_role("button", name="Enrol for free").count() == 0
    assert axe_violations(page) == []

    page.goto(f"{base}{LESSON}")
    video = page.locator("video[data-lesson-video]")
    assert video.count() == 1
    tracks = page.locator("video[data-lesson-video] track[kind=captions]")
    assert sorted(tracks.evaluate_all("ts => ts.map(t => t.srclang)")) == ["en", "fr"]
    assert axe_violations(page) == []

    # The transcript under the video, opened with the keyboard; its times are buttons.
    summary = page.locator("details.transcript summary")
    assert summary.inner_text().startswith("Transcript")
    summary.focus()
    page.keyboard.press("Enter")
    seek = page.get_by_role("button", name="Play from 0:12")
    assert seek.is_visible()
    assert "northwind deploy" in page.locator(".transcript__cues").inner_text()

    # Playback speed: a labelled select, applied to the video and remembered by the browser.
    page.get_by_label("Playback speed").select_option(SPEED)
    assert page.evaluate("document.querySelector('video[data-lesson-video]').playbackRate") == 1.5
    assert axe_violations(page) == []

    # The lesson serves the video (with its poster) and the captions inline, with their types.
    assert video.get_attribute("poster").endswith("/poster/")
    sources = [video.get_attribute("src"), *tracks.evaluate_all("ts => ts.map(t => t.src)")]
    served = page.evaluate(FETCH_HEADERS, sources)
    assert [kind.split(";")[0] for kind, _, _ in served] == ["video/mp4", "text/vtt", "text/vtt"]
    assert not any(disposition.startswith("attachment") for _, disposition, _ in served)
    assert all(start.startswith("WEBVTT") for _, _, start in served[1:])

    duration = page.evaluate(WAIT_FOR_METADATA)
    assert 20 <= duration <= 30
    with page.expect_response(_is_progress_ping) as ping:
        page.evaluate(PLAY_SEEK_PAUSE, RESUME_AT)
    assert ping.value.ok
    assert abs(ping.value.json()["position"] - RESUME_AT) < 1.5

    page.reload()
    page.evaluate(WAIT_FOR_METADATA)
    # player.js seeks to the saved position once the metadata is in.
    page.wait_for_function(
        "(t) => Math.abs(document.querySelector('video[data-lesson-video]').currentTime - t) < 1.5",
        arg=RESUME_AT,
    )
    position = page.evaluate("document.querySelector('video[data-lesson-video]').currentTime")
    assert abs(position - RESUME_AT) < 1.5
    assert page.get_by_label("Playback speed").input_value() == SPEED
    assert page.evaluate("document.querySelector('video[data-lesson-video]').playbackRate") == 1.5
