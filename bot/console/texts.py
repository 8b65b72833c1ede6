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
    "calon": ("Calon PMI", "Registered people"),
    "alert": ("Kirim peringatan", "Send a warning"),
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
    "export_too_many": (
        "Ada {count} laporan yang cocok, lebih dari {limit} yang bisa diunduh sekaligus. "
        "Persempit saringannya (tanggal, kecamatan, status) lalu unduh lagi.",
        "{count} reports match, more than the {limit} one download can hold. Narrow the "
        "filters (dates, kecamatan, status) and download again.",
    ),
    "export_busy": (
        "Terlalu banyak unduhan dalam semenit. Tunggu sebentar lalu coba lagi.",
        "Too many downloads in a minute. Wait a moment and try again.",
    ),
    "busy": (
        "Terlalu banyak percobaan masuk dari alamat ini. Tunggu beberapa menit.",
        "Too many sign-in attempts from this address. Wait a few minutes.",
    ),
    "try_again_title": ("Coba lagi sebentar", "Please try again shortly"),
    "try_again": (
        "Sistem sedang terganggu, jadi halaman ini belum bisa dibuka. Coba lagi dalam "
        "beberapa menit. Tidak ada yang berubah karena permintaan ini.",
        "The system has a problem, so this page cannot be opened now. Try again in a few "
        "minutes. Nothing was changed by this request.",
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
    "ask_hint_named": (
        "Pelapor menerima pertanyaan ini di salurannya sendiri, dengan nama Anda ({name}).",
        "The reporter gets this question on their own channel, with your name ({name}).",
    ),
    "note_add": ("Simpan catatan", "Save note"),
    "note_hint": ("Hanya dilihat petugas.", "Seen by officers only."),
    "close": ("Tutup dengan hasil", "Close with outcome"),
    "back_to_queue": ("← Kembali ke antrean", "← Back to the queue"),
    "done_claim": ("Laporan ini sekarang Anda tangani.", "You are now handling this report."),
    "done_ask": (  # one notice whoever the reporter is: it tells nothing of them
        "Pertanyaan disimpan di laporan dan diteruskan ke pelapor bila ia bisa dihubungi.",
        "The question is kept with the report and passed on to the reporter if they can be "
        "reached.",
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
    # registered people (calon PMI)
    "calon_title": ("Calon PMI terdaftar", "People who registered a plan"),
    "calon_privacy": (
        "Nama hanya tampil jika orangnya mengizinkan petugas melihatnya. Nomor dan akun "
        "tidak pernah ditampilkan. Setiap tampilan dicatat.",
        "A name shows only if the person allowed officers to see it. Numbers and accounts "
        "are never shown. Every view is logged.",
    ),
    "calon_total": ("{count} orang terdaftar", "{count} people registered"),
    "calon_shown": ("Ditampilkan {count} dari {total} orang.", "Showing {count} of {total}."),
    "calon_none": ("Belum ada yang terdaftar.", "Nobody registered yet."),
    "recruiter_licensed": ("P3MI berizin", "Licensed P3MI"),
    "recruiter_unlicensed": ("Tidak berizin / calo", "Unlicensed / broker"),
    "recruiter_none": ("Belum ada perekrut", "No recruiter yet"),
    "licence_active": ("P3MI aktif", "licensed P3MI"),
    "licence_suspended": ("izin dibekukan", "licence suspended"),
    "licence_revoked": ("izin dicabut", "licence revoked"),
    "licence_not_found": ("tidak ada di daftar P3MI", "not in the P3MI list"),
    "licence_individual": ("sponsor/calo", "sponsor/broker"),
    "licence_none": ("belum ada perekrut", "no recruiter yet"),
    "stuck_at": ("Tertahan di langkah", "Stuck at step"),
    "stuck_any": ("Langkah mana saja", "Any step"),
    "stuck_title": ("Tertahan lama di langkah", "Stuck for long at"),
    "stuck_none": ("Tidak ada yang tertahan lama.", "Nobody is stuck for long."),
    "stuck": ("Tertahan", "Stuck"),
    "by_desa": ("Per desa", "By desa"),
    "desa": ("Desa", "Desa"),
    "name": ("Nama", "Name"),
    "name_hidden": ("(nama tidak ditampilkan)", "(name not shown)"),
    "may_contact": ("boleh dihubungi", "may be contacted"),
    "steps": ("Langkah", "Steps"),
    "next_step": ("Langkah berikutnya", "Next step"),
    "step_open": ("{step} ({days} hari)", "{step} ({days} days)"),
    "all_steps_done": ("Semua langkah selesai", "Every step done"),
    # alerts
    "alert_title": ("Kirim peringatan ke pelanggan", "Send a warning to subscribers"),
    "alert_target": ("Untuk", "To"),
    "alert_everyone": ("Semua pelanggan", "Every subscriber"),
    "alert_text": ("Isi peringatan", "The warning"),
    "alert_hint": (
        "Paling banyak {limit} karakter. Anda melihat pratinjau dan jumlah penerima "
        "sebelum mengirim.",
        "At most {limit} characters. You see a preview and the number of recipients "
        "before sending.",
    ),
    "alert_preview": ("Lihat pratinjau", "Preview"),
    "alert_preview_title": ("Pratinjau peringatan", "Preview of the warning"),
    "alert_recipients": (
        "Untuk {where}: {count} orang akan menerimanya.",
        "To {where}: {count} people will receive it.",
    ),
    "alert_language_hint": (
        "Beginilah pelanggan membacanya. Pelanggan berbahasa Inggris menerima teks yang "
        "sama dengan pembuka dan penutup berbahasa Inggris. Pada jam tenang pesan menunggu "
        "sampai jam tenang berakhir.",
        "This is how subscribers read it. English-speaking subscribers get the same text "
        "with an English opening and closing. During the quiet hours it waits until they end.",
    ),
    "alert_send": ("Kirim ke {count} orang", "Send to {count} people"),
    "alert_cancel": ("Batal", "Cancel"),
    "alert_done_sent": (
        "Peringatan diantrekan untuk {count} orang.",
        "The warning is queued for {count} people.",
    ),
    "alert_done_cancelled": (
        "Peringatan dibatalkan; tidak ada yang dikirim.",
        "The warning was cancelled; nothing was sent.",
    ),
    "alert_done_gone": (
        "Pratinjau ini sudah terkirim, dibatalkan, atau kedaluwarsa (30 menit). "
        "Tidak ada yang dikirim lagi.",
        "This preview was sent, cancelled or has expired (30 minutes). Nothing more was sent.",
    ),
    "alert_empty": ("Tulis isi peringatannya dulu.", "Write the warning first."),
    "alert_too_long": (
        "Peringatan terlalu panjang (paling banyak {limit} karakter).",
        "The warning is too long (at most {limit} characters).",
    ),
    "alert_desa": (
        "Peringatan dikirim per kecamatan, jadi peran desa tidak bisa mengirimnya. "
        "Mintalah petugas kecamatan atau kabupaten.",
        "Warnings go out by kecamatan, so a desa role cannot send one. Ask the kecamatan "
        "or kabupaten officers.",
    ),
    "alert_refused": (
        "Anda tidak bisa mengirim peringatan ke wilayah ini.",
        "You cannot send a warning to this area.",
    ),
}


def say(lang: str, key: str, **values: object) -> str:
    """The text `key` in `lang` (Indonesian if `lang` is not one of LANGUAGES)."""
    indonesian, english = TEXTS[key]
    text = english if lang == "en" else indonesian
    return text.format(**values) if values else text
