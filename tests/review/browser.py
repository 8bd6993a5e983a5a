#!/usr/bin/python3
"""browser.py - drive guardian-review's pages in headless Chromium

Run by tests/review/run.sh. Prints "ok NAME" or "FAIL NAME: why" per
check and saves a screenshot of each page (PNG) under --shots.
"""
import argparse
import os
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

from selenium import webdriver
from selenium.common.exceptions import NoAlertPresentException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

ap = argparse.ArgumentParser()
ap.add_argument("--url", required=True)
ap.add_argument("--chromium", required=True)
ap.add_argument("--driver", required=True)
ap.add_argument("--shots", required=True)
ap.add_argument("--reviewer", required=True)
ap.add_argument("--outsider", required=True)
ap.add_argument("--plain", required=True)
ap.add_argument("--hostile", required=True)
args = ap.parse_args()

results = []


def check(name, ok, why=""):
    results.append(name)
    print(("ok %s" % name) if ok else ("FAIL %s: %s" % (name, why)), flush=True)


def shot(driver, name):
    path = os.path.join(args.shots, name + ".png")
    driver.save_screenshot(path)


def no_alert(driver):
    try:
        driver.switch_to.alert
        return False
    except NoAlertPresentException:
        return True


def wait(driver, css):
    """the element css of the page that loads now"""
    return WebDriverWait(driver, 15).until(
        EC.presence_of_element_located((By.CSS_SELECTOR, css)))


def click_and_wait(driver, button_id, css):
    old = driver.find_element(By.TAG_NAME, "html")
    driver.find_element(By.ID, button_id).click()
    WebDriverWait(driver, 15).until(EC.staleness_of(old))
    return wait(driver, css)


def sign_in(driver, cred):
    user, password = cred.split(":", 1)
    driver.delete_all_cookies()
    driver.get(args.url + "/login")
    driver.find_element(By.ID, "user").send_keys(user)
    driver.find_element(By.ID, "password").send_keys(password)
    click_and_wait(driver, "signin", "#error, #queue")
    return user


opts = webdriver.ChromeOptions()
opts.binary_location = args.chromium
for a in ("--headless=new", "--no-sandbox", "--disable-gpu",
          "--disable-dev-shm-usage", "--window-size=1280,900",
          "--user-data-dir=" + os.path.join(args.shots, ".profile")):
    opts.add_argument(a)
driver = webdriver.Chrome(service=Service(args.driver), options=opts)
driver.set_page_load_timeout(30)

try:
    # a user outside the reviewer group is refused
    driver.get(args.url + "/login")
    shot(driver, "01-sign-in")
    sign_in(driver, args.outsider)
    err = driver.find_elements(By.ID, "error")
    check("outsider_is_refused",
          driver.current_url.endswith("/login") and err and
          "not a reviewer" in err[0].text and
          driver.get_cookie("gr_session") is None,
          "url %s" % driver.current_url)
    shot(driver, "02-outsider-refused")

    # the reviewer signs in and sees both held messages, newest first
    user = sign_in(driver, args.reviewer)
    body = driver.find_element(By.TAG_NAME, "body").text
    rows = driver.find_elements(By.CSS_SELECTOR, "#queue tbody tr")
    text = [r.text for r in rows]
    hi = next((i for i, r in enumerate(rows)
               if r.find_elements(By.CSS_SELECTOR,
                                  "a[href='/message?id=%s']" % args.hostile)),
              -1)
    pi = next((i for i, r in enumerate(rows)
               if r.find_elements(By.CSS_SELECTOR,
                                  "a[href='/message?id=%s']" % args.plain)),
              -1)
    check("reviewer_signs_in_and_sees_the_queue",
          driver.current_url.endswith("/queue") and user in body and
          0 <= hi < pi and "hold-grades" in body,
          "url %s rows %r" % (driver.current_url, text))
    shot(driver, "03-queue")
    driver.set_window_size(820, 1180)  # a tablet, upright
    shot(driver, "03-queue-tablet")
    driver.set_window_size(1280, 900)

    # the hostile message: its markup is text; no script ran
    driver.get(args.url + "/message?id=" + args.hostile)
    subject = driver.find_element(By.ID, "subject").text
    page = driver.find_element(By.TAG_NAME, "body").text
    pwned = driver.execute_script("return typeof window.pwned")
    imgs = driver.find_elements(By.CSS_SELECTOR, "main img")
    scripts = driver.find_elements(By.CSS_SELECTOR, "script")
    check("hostile_message_is_shown_as_text",
          "<script>window.pwned=1;alert(1)</script>" in subject and
          'onerror="window.pwned=4;alert(4)"' in page and
          pwned == "undefined" and not imgs and not scripts and
          no_alert(driver),
          "subject %r pwned %r imgs %d scripts %d" %
          (subject, pwned, len(imgs), len(scripts)))
    shot(driver, "04-hostile-message")

    # a POST with the session but without the CSRF token does nothing
    session = driver.get_cookie("gr_session")["value"]
    form = urllib.parse.urlencode({"id": args.plain, "action": "release",
                                   "reason": "forged", "confirm": "yes"})
    req = urllib.request.Request(args.url + "/action", data=form.encode(),
                                 headers={"Cookie": "gr_session=" + session})
    try:
        status = urllib.request.urlopen(req).status
    except urllib.error.HTTPError as e:
        status = e.code
    driver.get(args.url + "/message?id=" + args.plain)
    still = driver.find_element(By.ID, "status").text
    check("post_without_csrf_token_fails",
          status == 403 and still.startswith("Status: held"),
          "status %s, page says %r" % (status, still))

    # release: a reason, a confirmation, then who did it
    shot(driver, "05-message")
    driver.find_element(By.ID, "release-reason").send_keys(
        "Parent portal is down; approved by the principal")
    click_and_wait(driver, "release-button", "#confirm")
    confirm_page = driver.find_element(By.TAG_NAME, "h1").text
    shot(driver, "06-confirm-release")
    click_and_wait(driver, "confirm", "#status-by")
    status = driver.find_element(By.ID, "status").text
    by = driver.find_element(By.ID, "status-by").text
    check("release_needs_reason_and_confirmation",
          confirm_page == "Release this message?" and
          status.startswith("Status: released") and by == user and
          "approved by the principal" in status,
          "confirm %r status %r" % (confirm_page, status))
    shot(driver, "07-released")

    # the audit log has it
    driver.get(args.url + "/audit?action=release")
    rows = [r.text for r in
            driver.find_elements(By.CSS_SELECTOR, "#audit tbody tr")]
    check("release_is_in_the_audit_log",
          any(args.plain in r and user in r and "principal" in r
              for r in rows), "rows %r" % rows)
    shot(driver, "08-audit")

    # the summary draws its chart
    driver.get(args.url + "/summary")
    total = driver.find_element(By.ID, "summary-total").text
    rects = driver.find_elements(By.CSS_SELECTOR, "#chart rect")
    check("summary_draws_the_chart",
          total.startswith("2 message(s)") and len(rects) >= 1,
          "total %r rects %d" % (total, len(rects)))
    shot(driver, "09-summary")
except Exception as e:  # a missing element: the remaining checks fail
    print("FAIL %s: %s" % ("browser", repr(e)[:400]), flush=True)
finally:
    driver.quit()
