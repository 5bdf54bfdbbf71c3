"""Personal data in raw records and free text is masked before anyone sees it."""
import json

import pandas as pd

from data_sources.privacy import MASK, mask_record, mask_text
from data_sources.queries.indicators import achievement, dimension_scores


def test_phone_numbers_emails_and_nik_are_masked():
    text = ("Hubungi 081234567890, 0812-3456-7890 atau +62 812 3456 7890; email budi.s@example.com; "
            "NIK 3671011201800001. Lokasi Jl. Merdeka No. 12 RT 03 jam 14.30")
    masked = mask_text(text)
    for secret in ("081234567890", "0812-3456-7890", "+62 812 3456 7890", "budi.s@example.com", "3671011201800001"):
        assert secret not in masked
    assert masked.count(MASK) == 5
    assert "Jl. Merdeka No. 12 RT 03 jam 14.30" in masked  # ordinary numbers survive


def test_raw_records_lose_personal_keys_and_patterns():
    raw = json.dumps({"service_request_id": "X-9", "first_name": "Budi", "email": "b@example.com",
                      "description": "WA 08123456789", "lat": -6.1})
    masked = json.loads(mask_record(raw))
    assert masked == {"service_request_id": "X-9", "first_name": MASK, "email": MASK, "description": f"WA {MASK}",
                      "lat": -6.1}
    assert mask_record("nama Budi 081234567890") == f"nama Budi {MASK}"


def test_dimension_scores_cap_and_order():
    frame = pd.DataFrame({
        "code": ["a", "b", "c"], "dimension": ["economy", "economy", "living"], "target": [10.0, 100.0, 20.0],
        "direction": ["higher", "higher", "lower"], "value": [20.0, 90.0, 25.0],
    })
    before = frame.copy()
    scores = dimension_scores(frame).set_index("dimension")
    assert scores.loc["economy", "score"] == (1.2 + 0.9) / 2  # 200% is capped at 120%
    assert scores.loc["living", "score"] == 0.8
    assert list(scores.index)[:3] == ["governance", "branding", "economy"]
    assert pd.isna(scores.loc["governance", "score"])
    pd.testing.assert_frame_equal(frame, before)
    assert achievement(0.0, 15.0, "lower") == 1.2
