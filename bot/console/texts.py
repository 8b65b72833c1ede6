"""The console's words: plain Indonesian first, English beside it.

`say(lang, key, **values)` gives a text in the officer's language (Indonesian when the
language is unknown). Words of a report itself (the reporter's, the officers') are never
translated.
"""

from __future__ import annotations

LANGUAGES = ("id", "en")

TEXTS: dict[str, tuple[str, str]] = {
    # frame
    "brand": ("Migran Aman · Petugas", "Migran Aman · Officers"),
    "queue": ("Antrean", "Queue"),
    "stats": ("Statistik", "Statistics"),
    "sign_out": ("Keluar", "Sign out"),
    "sign_out_all": ("Keluar di semua perangkat", "Sign out everywhere"),
    "other_language": ("English", "Bahasa Indonesia"),
    "role_admin": ("admin (seluruh kabupaten)", "admin (whole regency)"),
    "role_kabupaten": ("seluruh Kabupaten Serang", "all of Kabupaten Serang"),
    "role_kecamatan": ("Kecamatan {place}", "Kecamatan {place}"),
    "role_desa": ("Desa {place}", "Desa {place}"),
    "role_none": ("tanpa wilayah", "no area"),
    # sign-in
    "sign_in_title": ("Masuk untuk petugas", "Officers' sign-in"),
    "username": ("Nama pengguna", "Username"),
    "password": ("Kata sandi", "Password"),
    "code": ("Kode 6 angka dari aplikasi (jika diminta)", "6-digit app code (if asked)"),
    "sign_in": ("Masuk", "Sign in"),
    "wrong": (
        "Nama pengguna atau kata sandi salah.",
        "Wrong username or password.",
    ),
    "locked": (
        "Terlalu banyak percobaan yang salah. Akun ini dikunci {minutes} menit. "
        "Coba lagi nanti, atau minta admin membukanya.",
        "Too many wrong attempts. This account is locked for {minutes} minutes. "
        "Try again later, or ask an admin to unlock it.",
    ),
    "busy": (
        "Terlalu banyak percobaan masuk dari alamat ini. Tunggu beberapa menit.",
        "Too many sign-in attempts from this address. Wait a few minutes.",
    ),
    "expired_form": (
        "Formulir sudah kedaluwarsa. Silakan coba lagi.",
        "The form has expired. Please try again.",
    ),
    # queue
    "queue_title": ("Antrean laporan", "Report queue"),
    "matching": ("{count} cocok", "{count} matching"),
    "status": ("Status", "Status"),
    "all": ("Semua", "All"),
    "open": ("Belum ditutup", "Not closed"),
    "received": ("Baru", "New"),
    "claimed": ("Ditangani", "Being handled"),
    "closed": ("Ditutup", "Closed"),
    "urgent": ("Mendesak", "Urgent"),
    "urgent_yes": ("Hanya mendesak", "Urgent only"),
    "urgent_no": ("Tidak mendesak", "Not urgent"),
    "kind": ("Jenis", "Kind"),
    "kind_report": ("Laporan", "Report"),
    "kind_question": ("Pertanyaan", "Question"),
    "kecamatan": ("Kecamatan", "Kecamatan"),
    "country": ("Negara tujuan", "Destination country"),
    "from": ("Dari tanggal", "From"),
    "to": ("Sampai tanggal", "To"),
    "search": ("Cari kata", "Search words"),
    "filter": ("Saring", "Filter"),
    "clear": ("Hapus saringan", "Clear filters"),
    "export_csv": ("Unduh CSV", "Download CSV"),
    "export_xlsx": ("Unduh Excel", "Download Excel"),
    "number": ("Nomor", "Number"),
    "received_at": ("Masuk", "Received"),
    "place": ("Tempat", "Place"),
    "offer": ("Tawaran", "Offer"),
    "question": ("Pertanyaan", "Question"),
    "photos": ("Foto", "Photos"),
    "none_found": ("Tidak ada laporan yang cocok.", "No report matches."),
    "newer": ("← Lebih baru", "← Newer"),
    "older": ("Lebih lama →", "Older →"),
    "refreshed": ("Diperbarui otomatis", "Refreshes by itself"),
    "abroad": ("luar negeri", "abroad"),
    "elsewhere": ("di luar Kab. Serang", "outside Kab. Serang"),
    # case
    "status_claimed_by": ("Ditangani oleh {name}", "Being handled by {name}"),
    "outcome": ("Hasil", "Outcome"),
    "recruiter": ("Perekrut", "Recruiter"),
    "reporter": ("Pelapor", "Reporter"),
    "asker": ("Penanya", "Asker"),
    "anonymous": ("anonim (hanya bisa dihubungi lewat bot)", "anonymous (reachable via the bot)"),
    "erased": ("data pribadi sudah dihapus", "personal data erased"),
    "hidden": (
        "data pribadi tidak ditampilkan untuk peran Anda; pakai «Tanya pelapor»",
        "personal data is not shown to your role; use «Ask the reporter»",
    ),
    "no_photos": ("Tidak ada foto.", "No photos."),
    "photo_n": ("Foto {n}", "Photo {n}"),
    "thread": ("Percakapan dan catatan", "Conversation and notes"),
    "thread_empty": ("Belum ada pesan.", "No messages yet."),
    "to_reporter": ("Petugas ke pelapor", "Officer to reporter"),
    "from_reporter": ("Pelapor", "Reporter"),
    "note": ("Catatan petugas", "Officer's note"),
    "claim": ("Ambil laporan ini", "Claim this report"),
    "ask": ("Tanya pelapor", "Ask the reporter"),
    "ask_send": ("Kirim ke pelapor", "Send to the reporter"),
    "ask_hint": (
        "Pelapor menerima pertanyaan ini di salurannya sendiri, tanpa nama Anda.",
        "The reporter gets this question on their own channel, without your name.",
    ),
    "note_add": ("Simpan catatan", "Save note"),
    "note_hint": ("Hanya dilihat petugas.", "Seen by officers only."),
    "close": ("Tutup dengan hasil", "Close with outcome"),
    "back_to_queue": ("← Kembali ke antrean", "← Back to the queue"),
    "done_claim": ("Laporan ini sekarang Anda tangani.", "You are now handling this report."),
    "done_ask": ("Pertanyaan terkirim ke pelapor.", "The question was sent to the reporter."),
    "done_ask_later": (
        "Pertanyaan disimpan; pelapor memakai web chat dan melihatnya saat memeriksa "
        "status laporannya.",
        "The question is saved; the reporter uses the web chat and sees it when they check "
        "the report's status.",
    ),
    "done_ask_gone": (
        "Pelapor sudah menghapus datanya; pesan disimpan di laporan.",
        "The reporter has erased their data; the message is kept with the report.",
    ),
    "done_note": ("Catatan disimpan.", "Note saved."),
    "done_close": ("Laporan ditutup.", "Report closed."),
    "not_done": (
        "Tidak dilakukan: laporan ini baru saja diubah (mungkin oleh petugas lain). "
        "Lihat keadaannya sekarang di bawah.",
        "Not done: this report was just changed (perhaps by another officer). See how it "
        "stands now below.",
    ),
    "too_long": ("Pesan terlalu panjang.", "The message is too long."),
    "outcome_police": ("Dirujuk ke polisi", "Referred to the police"),
    "outcome_disnaker": ("Dirujuk ke Disnaker", "Referred to Disnaker"),
    "outcome_false_alarm": ("Bukan masalah", "Not a problem"),
    "outcome_duplicate": ("Duplikat", "Duplicate"),
    "outcome_resolved": ("Selesai", "Resolved"),
    "not_found": (
        "Laporan tidak ditemukan, atau bukan wilayah Anda.",
        "Report not found, or not in your area.",
    ),
    # statistics
    "stats_title": ("Statistik laporan", "Report statistics"),
    "stats_period": ("Periode", "Period"),
    "days": ("{days} hari terakhir", "last {days} days"),
    "stats_privacy": (
        "Tanpa data pribadi. Wilayah dengan kurang dari 5 kasus ditulis «< 5».",
        "No personal data. Areas with fewer than 5 cases are shown as «< 5».",
    ),
    "figures": ("Angka", "Figures"),
    "stats_missing": (
        "Statistik belum tersedia di versi ini.",
        "Statistics are not available in this version.",
    ),
}


def say(lang: str, key: str, **values: object) -> str:
    """The text `key` in `lang` (Indonesian if `lang` is not one of LANGUAGES)."""
    indonesian, english = TEXTS[key]
    text = english if lang == "en" else indonesian
    return text.format(**values) if values else text
