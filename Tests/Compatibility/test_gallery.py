"""The web gallery in a real browser: Debian's Chromium driven by Selenium through chromium-driver.

`ironviper run` (the real binary, its bundled emulator, `[web] listen = "127.0.0.1:0"`) backs up a small
corpus of JPEGs with camera and date metadata. The browser then sees the grid with the corpus's thumbnails,
narrows it with a live search and again with a facet click, opens a detail page showing the metadata and sets a
tag there; `ironviper search tag:…` finds the file at once, and Microsoft's `azure-data-tables` finds the tag in
its `files` row once the outbox is empty; a file deleted from the folder downloads from its master in the
cloud by catalog id. Screenshots of every page go to a folder the test prints.

Chromium, its driver and Selenium are installed by scripts/setup: without them this test fails, never skips.
"""
import json
import os
import shutil
import subprocess
import tempfile
import time
import urllib.request

from azure.data.tables import TableServiceClient
from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from conftest import ROOT
from daemon_harness import Daemon, encode_key, eventually, make_jpeg

# (relative path, seed, camera make, model, taken): three sunsets, two of them on the Fujifilm.
CORPUS = [
    ("2024/rome/sunset colosseum.jpg", 1, "FUJIFILM", "X-T3", "2024:07:14 20:01:00"),
    ("2024/rome/sunset forum.jpg", 2, "FUJIFILM", "X-T3", "2024:07:14 20:10:00"),
    ("2024/lisbon/sunset tram.jpg", 3, "Canon", "Canon EOS R5", "2024:05:02 19:30:00"),
    ("2023/beach/dog.jpg", 4, "Canon", "Canon EOS R5", "2023:08:01 10:00:00"),
    ("2023/beach/cat.jpg", 5, "Apple", "iPhone 12", "2023:08:02 11:00:00"),
    ("2022/garden.jpg", 6, "Apple", "iPhone 12", "2022:04:10 09:00:00"),
]
TAG = "holiday-test"


def artifacts_folder():
    folder = os.environ.get("GALLERY_ARTIFACTS") or os.path.join(ROOT, ".build", "test-artifacts", "gallery")
    os.makedirs(folder, exist_ok=True)
    print(f"gallery screenshots: {folder}")
    return folder


def browser():
    for tool in ("chromium", "chromedriver"):
        assert shutil.which(tool), f"{tool} is missing: run scripts/setup (Debian's chromium and chromium-driver)"
    options = Options()
    options.binary_location = shutil.which("chromium")
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1440,960",
                 "--disable-dev-shm-usage", "--force-device-scale-factor=1"):
        options.add_argument(flag)
    return webdriver.Chrome(service=Service(shutil.which("chromedriver")), options=options)


def tiles(driver):
    return driver.find_elements(By.CSS_SELECTOR, "#grid .tile")


def loaded_thumbnails(driver):
    """Tiles whose thumbnail image decoded (naturalWidth > 0)."""
    return driver.execute_script(
        "return [...document.querySelectorAll('#grid .tile img')].filter(i => i.complete && i.naturalWidth > 0).length")


def test_gallery_in_a_real_browser():
    work = tempfile.mkdtemp(prefix="ironviper-gallery-")
    d = Daemon(work, web="127.0.0.1:0")
    driver = None
    try:
        for path, seed, make, model, taken in CORPUS:
            full = os.path.join(work, "staging", path)
            make_jpeg(full, seed)
            subprocess.run(["exiftool", "-q", "-overwrite_original", f"-Make={make}", f"-Model={model}",
                            f"-DateTimeOriginal={taken}", full], check=True)
        d.start()
        shutil.copytree(os.path.join(work, "staging"), d.library, dirs_exist_ok=True)
        d.wait_for(lambda s: (s.get("filesIngested") or 0) >= len(CORPUS) and s["outbox"]["pending"] == {},
                   "the corpus ingested and backed up")
        url = d.gallery_url()
        shots = artifacts_folder()
        driver = browser()
        wait = WebDriverWait(driver, 30)

        # The grid: every photo of the corpus, with its thumbnail.
        driver.get(url)
        wait.until(lambda drv: len(tiles(drv)) == len(CORPUS) and loaded_thumbnails(drv) == len(CORPUS))
        assert driver.find_element(By.ID, "count").text.startswith(f"{len(CORPUS)} photos")
        driver.save_screenshot(os.path.join(shots, "1-library.png"))

        # A live search narrows it, then a facet click narrows it again.
        box = driver.find_element(By.ID, "q")
        box.send_keys("sunset")
        wait.until(lambda drv: len(tiles(drv)) == 3 and loaded_thumbnails(drv) == 3)
        driver.save_screenshot(os.path.join(shots, "2-search.png"))
        facet = driver.find_element(By.CSS_SELECTOR, '.facet[data-token="camera:\\"FUJIFILM X-T3\\""]')
        facet.click()
        wait.until(lambda drv: "camera" in drv.current_url and len(tiles(drv)) == 2 and loaded_thumbnails(drv) == 2)
        assert {t.get_attribute("title").split("/")[-1] for t in tiles(driver)} == {
            "sunset colosseum.jpg", "sunset forum.jpg"}
        driver.save_screenshot(os.path.join(shots, "3-facet.png"))

        # The detail page shows the metadata; a tag set there is searchable and reaches the cloud.
        colosseum = [t for t in tiles(driver) if t.get_attribute("title").endswith("sunset colosseum.jpg")][0]
        colosseum.click()
        wait.until(lambda drv: drv.find_elements(By.ID, "meta"))
        meta = driver.find_element(By.ID, "meta").text
        assert "FUJIFILM X-T3" in meta and "2024-07-14T20:01:00" in meta and "320 × 240" in meta, meta
        wait.until(lambda drv: drv.execute_script("const i = document.querySelector('img.hd'); return i && i.naturalWidth > 0"))
        tag_input = driver.find_element(By.ID, "tag-input")
        tag_input.send_keys(TAG)
        tag_input.send_keys(Keys.ENTER)
        wait.until(lambda drv: TAG in drv.find_element(By.ID, "tags").text)
        driver.find_element(By.CSS_SELECTOR, '#rating .star[data-rating="4"]').click()
        wait.until(lambda drv: drv.find_element(By.ID, "rating").get_attribute("data-rating") == "4")
        driver.save_screenshot(os.path.join(shots, "4-detail.png"))

        found = subprocess.run([d.binary, "search", "--data-dir", d.state, f"tag:{TAG}", "rating:4"],
                               capture_output=True, text=True, check=True).stdout
        assert found.strip().endswith("2024/rome/sunset colosseum.jpg") or "sunset colosseum.jpg\t" in found, found
        assert len(found.strip().splitlines()) == 1, found

        tables = TableServiceClient.from_connection_string(d.connection_string)

        def tagged():
            row = tables.get_table_client("files").get_entity(
                d.files_partition, encode_key("2024/rome/sunset colosseum.jpg"))
            assert row.get("tags") == TAG and row.get("rating") == 4, dict(row)
            return row
        eventually(d, tagged, "the tag in the cloud files row")

        # A file gone from this machine is downloaded from its master in the cloud, by catalog id.
        garden = json.load(urllib.request.urlopen(url + "api/v1/search?q=garden&facets=false"))["items"][0]["fileId"]
        os.remove(os.path.join(d.library, "2022/garden.jpg"))
        d.wait_for(lambda s: s["libraries"][0]["files"]["missing"] == 1 and s["outbox"]["pending"] == {},
                   "the deletion recorded")
        with urllib.request.urlopen(url + f"api/v1/items/{garden}/original") as response:
            assert response.read() == open(os.path.join(work, "staging", "2022/garden.jpg"), "rb").read()

        for page, name in (("/folders", "5-folders.png"), ("/duplicates", "6-duplicates.png"), ("/status", "7-status.png")):
            driver.get(url.rstrip("/") + page)
            wait.until(lambda drv: drv.find_elements(By.TAG_NAME, "h1"))
            driver.save_screenshot(os.path.join(shots, name))
        d.stop()
    finally:
        if driver is not None:
            driver.quit()
        if d.process and d.process.poll() is None:
            d.process.kill()
            d.process.wait()
        shutil.rmtree(work, ignore_errors=True)
