"""Cleaning speed on one core: plain-text articles of about 250 words and web pages of about 100 KB.

Articles and pages are built from team-written sentences and web furniture (menus, share counters,
related-links lists, comment forms), so that every rule has work to do.

    .venv/bin/python bench/clean_speed.py --articles 3000 --pages 100 --runs 3
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from workers.clean import RawDocument, clean_document

SENTENCES = [
    "أكد وزير الخارجية في مؤتمر صحفي عقده اليوم في العاصمة أن المحادثات مع نظيره تناولت سبل تعزيز التعاون الثنائي.",  # noqa: E501
    "وقال المتحدث باسم الحكومة إن الجانبين اتفقا على عقد اجتماع للجنة المشتركة خلال الشهر المقبل لمتابعة الملفات العالقة.",  # noqa: E501
    "وأشار البيان الصادر عقب اللقاء إلى أهمية تنسيق المواقف إزاء التطورات الإقليمية وضرورة دعم جهود التهدئة.",
    "ودعا رئيس الوزراء المجتمع الدولي إلى تقديم مزيد من المساعدات الإنسانية للمتضررين من الفيضانات الأخيرة.",
    "من جهته أعرب السفير عن تقدير بلاده للدور الذي تضطلع به الدولة المضيفة في تعزيز الاستقرار في المنطقة.",
    "وتأتي الزيارة في إطار جولة إقليمية تشمل عددا من العواصم العربية لبحث الملفات الاقتصادية والأمنية المشتركة.",  # noqa: E501
]
FURNITURE = [
    "&", "أخبار العالم", "انسخ الرابطhttps://news.example/h5np", "فيسبوك 12مليون", "\u00a0",
    "تابعوا آخر الأخبار عبر تطبيق تيلغرام على الهواتف الذكية", "https://telegram.me/examplechannel",
]  # fmt: skip
TAIL = ["انظر أيضاً", "الرئيس يستقبل وفدا برلمانيا", "وزير المالية يعرض الموازنة …", "المصدر: وكالات", "الرد",
        "لن يتم نشر عنوان بريدك الإلكتروني. الحقول الإلزامية مشار إليها بـ *"]  # fmt: skip


def article(n: int) -> str:
    body = []
    while sum(len(p.split()) for p in body) < 250:
        body.append(" ".join(SENTENCES[(n + k) % len(SENTENCES)] for k in range(len(body) % 3 + 1)))
    head = [f"اجتماع وزاري لبحث التعاون رقم {n}", FURNITURE[n % len(FURNITURE)], "سبتمبر 21, 2018"]
    return "\n\n".join([*head, f"بغداد – INA/ {body[0]}", *body[1:], *TAIL])


def page(n: int) -> str:
    menu = "".join(f"<li><a href='/section/{i}'>قسم رقم {i} من أقسام الموقع</a></li>" for i in range(220))
    related = "".join(
        f"<li><a href='/news/{n}/{i}'>{SENTENCES[i % len(SENTENCES)][:70]}</a></li>" for i in range(120)
    )
    paragraphs = "".join(f"<p>{line}</p>" for line in article(n).split("\n\n")[3 : -len(TAIL)])
    comments = "".join(
        f"<div class='comment'><b>زائر {i}</b><p>تعليق رقم {i} على الخبر</p></div>" for i in range(80)
    )
    html = (
        "<!doctype html><html lang='ar' dir='rtl'><head><meta charset='utf-8'>"
        f"<title>اجتماع وزاري رقم {n} | موقع الأخبار</title>"
        "<meta property='article:published_time' content='2024-03-05T10:00:00+03:00'>"
        f"<style>{'.x{color:red}' * 400}</style><script>{'var a=1;' * 800}</script></head><body>"
        f"<header><nav><ul>{menu}</ul></nav></header><div class='ad'>إعلان</div><main><article>"
        f"<h1>اجتماع وزاري لبحث التعاون رقم {n}</h1><div class='share'>فيسبوك 12 تويتر 5</div>{paragraphs}"
        f"<div class='related'><h3>اقرأ أيضا</h3><ul>{related}</ul></div></article></main>"
        f"<section class='comments'><h3>التعليقات</h3>{comments}<form>الاسم البريد الإلكتروني</form></section>"  # noqa: E501
        f"<aside><h3>الأكثر قراءة</h3><ul>{related}</ul></aside><footer>جميع الحقوق محفوظة {menu}</footer>"
        "</body></html>"
    )
    return html


def rate(documents: list[RawDocument], runs: int) -> tuple[float, list[float]]:
    rates = []
    for _ in range(runs):
        start = time.process_time()
        for document in documents:
            clean_document(document)
        rates.append(len(documents) / (time.process_time() - start))
    return statistics.median(rates), rates


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--articles", type=int, default=3000)
    parser.add_argument("--pages", type=int, default=100)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {0})  # one core
    texts = [RawDocument(article(n), "text/plain") for n in range(args.articles)]
    pages = [RawDocument(page(n), "text/html") for n in range(args.pages)]
    words = statistics.mean(len(clean_document(d).body.split()) for d in texts[:50])
    size = statistics.mean(len(d.content.encode()) for d in pages) / 1024
    clean_document(pages[0])  # warm up lxml and trafilatura
    fixture_dir = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "clean"
    fixtures = [
        RawDocument(p.read_text(encoding="utf-8"), "text/html") for p in sorted(fixture_dir.glob("*.html"))
    ]
    fixture_size = statistics.mean(len(d.content.encode()) for d in fixtures) / 1024 if fixtures else 0
    text_rate, text_runs = rate(texts, args.runs)
    page_rate, page_runs = rate(pages, args.runs)
    fixture_rate, fixture_runs = rate(fixtures * 10, args.runs) if fixtures else (0.0, [])
    print(
        f"plain text: {args.articles} articles of ~{words:.0f} words (kept): median {text_rate:.0f}/s "
        f"(runs: {', '.join(f'{r:.0f}' for r in text_runs)})"
    )
    print(
        f"html: {args.pages} pages of ~{size:.0f} KB: median {page_rate:.1f}/s "
        f"(runs: {', '.join(f'{r:.1f}' for r in page_runs)})"
    )
    print(
        f"html fixtures: {len(fixtures)} team-written pages of ~{fixture_size:.0f} KB, 10 times each: "
        f"median {fixture_rate:.1f}/s (runs: {', '.join(f'{r:.1f}' for r in fixture_runs)})"
    )


if __name__ == "__main__":
    main()
