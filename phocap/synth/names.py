"""Vietnamese personal and village names by ethnic group.

Names matter to the product: the register is searched and de-duplicated by
name, and an education officer reading a demo must find it plausible. Each
naming *style* follows the common pattern of a group:

- Kinh: family name (weighted by the commonly cited estimates: Nguyễn about
  38%, Trần 11–12%, Lê 9.5%, Phạm 7%, …), middle name (older people mostly Văn
  for men, Thị for women), given name: "Nguyễn Văn An", "Trần Thị Mai".
- Mông: clan names (Giàng, Vàng, Lầu, Sùng, Mùa, Thào, Hạng, Lý, …), "A" as the
  usual men's middle name: "Giàng A Páo", "Vàng Thị Mai".
- Thái (also Lào, Lự, Khơ Mú and other northern Tai and Mon-Khmer groups):
  Lò, Quàng, Cà, Lường, Tòng, Điêu, …: "Lò Văn Pánh", "Quàng Thị Ún".
- Tày, Nùng, Mường, Hoa, Chăm: their own family names with Kinh-style middle and
  given names.
- Dao: Triệu, Bàn, Đặng, Tẩn, Chảo, … with "Láo", "Tả", "Mùi" middle names.
- Khmer: Thạch, Sơn, Kim, Danh, … with Khmer given names: "Thạch Sa Rết".
- Ê Đê and related matrilineal groups: "Y" (men) or "H'" (women), given name,
  then the mother's clan: "Y Nguyên Niê", "H' Bia Mlô".
- Gia Rai: clan first, women's given names with "H'": "Siu H'Nhi", "Ksor Phước".
- Other Central Highlands and Trường Sơn groups: Đinh, Hồ, Alăng, … .

Children take their father's family name (their mother's in matrilineal
groups, or when no father is listed); wives keep their own, as in Vietnam.

All full names are precomputed once into one vocabulary (about 150,000 strings),
so a batch of a million people needs only integer arithmetic and one ``take``.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Final

import numpy as np
import polars as pl
import pyarrow as pa

from phocap.survey.text import fold_expr, normalize
from phocap.synth.draws import Bools, Floats, Ints


@dataclass(frozen=True)
class Style:
    """How one group composes names."""

    surnames: tuple[tuple[str, float], ...]
    male_middle: tuple[str, ...]
    """The first is the traditional one, given to most older men."""
    female_middle: tuple[str, ...]
    male_given: tuple[str, ...]
    female_given: tuple[str, ...]
    traditional: tuple[float, float] = (0.85, 0.35)
    """Probability of the traditional middle name at age 60 and at age 0."""
    clan_last: bool = False
    """Family (clan) name written last (Ê Đê)."""
    matrilineal: bool = False
    """Children take the mother's family name."""


def _even(*names: str) -> tuple[tuple[str, float], ...]:
    return tuple((n, 1.0) for n in names)


_KINH_MALE_MIDDLE: Final = (
    "Văn", "Đức", "Minh", "Quang", "Hữu", "Công", "Thành", "Xuân", "Ngọc", "Anh", "Gia",
    "Hoàng", "Tuấn", "Trọng", "Đình",
)
_KINH_FEMALE_MIDDLE: Final = (
    "Thị", "Ngọc", "Thu", "Thanh", "Phương", "Minh", "Khánh", "Bảo", "Hồng", "Kim", "Thúy",
    "Mai", "Hoài", "Diệu",
)
_KINH_MALE: Final = (
    "An", "Anh", "Bảo", "Bình", "Cường", "Dũng", "Duy", "Đạt", "Đức", "Giang", "Hải", "Hào",
    "Hiếu", "Hòa", "Hoàng", "Hùng", "Huy", "Khang", "Khánh", "Khoa", "Kiên", "Lâm", "Long",
    "Luân", "Mạnh", "Minh", "Nam", "Nghĩa", "Nhân", "Phong", "Phúc", "Quân", "Quang", "Sơn",
    "Tài", "Tâm", "Thắng", "Thành", "Thịnh", "Thông", "Tiến", "Toàn", "Trung", "Tuấn", "Tùng",
    "Việt", "Vinh", "Vũ", "Hưng", "Lợi",
)
_KINH_FEMALE: Final = (
    "An", "Anh", "Châu", "Chi", "Dung", "Duyên", "Giang", "Hà", "Hạnh", "Hằng", "Hiền", "Hoa",
    "Huệ", "Hương", "Huyền", "Lan", "Liên", "Linh", "Loan", "Ly", "Mai", "My", "Nga", "Ngân",
    "Ngọc", "Nhung", "Oanh", "Phương", "Quyên", "Quỳnh", "Tâm", "Thảo", "Thanh", "Thơ", "Thu",
    "Thúy", "Thủy", "Trang", "Trâm", "Tuyết", "Uyên", "Vân", "Vy", "Xuân", "Yến", "Hồng",
    "Lụa", "Nhi", "Diệp", "Hậu",
)

STYLES: Final[dict[str, Style]] = {
    "kinh": Style(
        surnames=(
            ("Nguyễn", 38.4), ("Trần", 11.0), ("Lê", 9.5), ("Phạm", 7.0), ("Hoàng", 3.1),
            ("Huỳnh", 2.0), ("Phan", 4.5), ("Vũ", 2.4), ("Võ", 1.5), ("Đặng", 2.1), ("Bùi", 2.0),
            ("Đỗ", 1.4), ("Hồ", 1.3), ("Ngô", 1.3), ("Dương", 1.0), ("Lý", 0.5), ("Đinh", 0.8),
            ("Trương", 0.8), ("Lâm", 0.5), ("Mai", 0.6), ("Cao", 0.6), ("Hà", 0.7), ("Đào", 0.7),
            ("Tô", 0.3), ("Lưu", 0.4), ("Tạ", 0.4), ("Vương", 0.3), ("Chu", 0.4), ("La", 0.2),
            ("Đoàn", 0.8), ("Trịnh", 0.6), ("Lương", 0.5), ("Kiều", 0.2), ("Thái", 0.3),
        ),
        male_middle=_KINH_MALE_MIDDLE,
        female_middle=_KINH_FEMALE_MIDDLE,
        male_given=_KINH_MALE,
        female_given=_KINH_FEMALE,
    ),
    "hoa": Style(
        surnames=_even("Lý", "Lâm", "Trương", "Quách", "Hứa", "Châu", "Mạc", "Tăng", "Vương",
                       "Diệp", "Lưu", "Hoàng", "Trần", "Lục", "Mã"),
        male_middle=_KINH_MALE_MIDDLE,
        female_middle=_KINH_FEMALE_MIDDLE,
        male_given=_KINH_MALE,
        female_given=_KINH_FEMALE,
    ),
    "tay": Style(
        surnames=_even("Hoàng", "Nông", "Lộc", "Ma", "Lương", "Triệu", "Hà", "Lăng", "Lục", "Bế",
                       "Mã", "Đàm", "Chu", "Vi", "Hứa", "Sầm", "Nịnh", "Hoàng", "Nông"),
        male_middle=_KINH_MALE_MIDDLE,
        female_middle=_KINH_FEMALE_MIDDLE,
        male_given=_KINH_MALE,
        female_given=_KINH_FEMALE,
        traditional=(0.9, 0.5),
    ),
    "muong": Style(
        surnames=_even("Bùi", "Đinh", "Quách", "Bạch", "Hoàng", "Xa", "Hà", "Cao", "Bùi", "Đinh"),
        male_middle=_KINH_MALE_MIDDLE,
        female_middle=_KINH_FEMALE_MIDDLE,
        male_given=_KINH_MALE,
        female_given=_KINH_FEMALE,
        traditional=(0.9, 0.5),
    ),
    "thai": Style(
        surnames=_even("Lò", "Quàng", "Cà", "Lường", "Tòng", "Điêu", "Lèo", "Vì", "Hoàng", "Sầm",
                       "Bạc", "Cầm", "Lò", "Quàng", "Lường", "Khoàng"),
        male_middle=("Văn", "Thanh", "Xuân", "Minh"),
        female_middle=("Thị", "Thanh", "Hồng"),
        male_given=("Pánh", "Ơn", "Xôm", "Chiến", "Thanh", "Bun", "Hặc", "Ngọc", "Khiêm",
                    "Phanh", "Xuân", "Inh", "Hiên", "Tính", "Thương", "Cương", "Sinh", "Đôi",
                    "Muôn", "Khăm", "Piệng", "Bằng", "Hom", "Khanh", "Lả", "Chăn", "Kham",
                    "Tuấn", "Dũng", "Hùng"),
        female_given=("Ún", "Oanh", "Xiêng", "Lả", "Panh", "Inh", "Xuân", "Hom", "Phanh", "Bun",
                      "Pọm", "Hươn", "Ngoan", "Yên", "Thoa", "Hoa", "Mai", "Lan", "Thắm", "Kim",
                      "Phương", "Nhung", "Tươi", "Ánh", "Xuyến", "Khánh", "Lường", "Chăm",
                      "Hương", "Ngân"),
        traditional=(0.95, 0.7),
    ),
    "hmong": Style(
        surnames=_even("Giàng", "Vàng", "Lầu", "Sùng", "Mùa", "Thào", "Hạng", "Lý", "Lù", "Cứ",
                       "Vừ", "Hờ", "Tráng", "Chá", "Giàng", "Vàng", "Sùng", "Mùa"),
        male_middle=("A", "Seo", "Văn", "Chứ"),
        female_middle=("Thị", "Seo"),
        male_given=("Páo", "Pó", "Chứ", "Dế", "Sính", "Lử", "Tráng", "Chơ", "Dình", "Sử",
                    "Chính", "Khua", "Say", "Của", "Hồ", "Vư", "Nhìa", "Sình", "Chống", "Mua",
                    "Thề", "Dùa", "Lềnh", "Pao", "Ly", "Chá", "Tủa", "Giống", "Sàng", "Vảng"),
        female_given=("Mai", "Dở", "Máy", "Pà", "Chở", "Dợ", "Sua", "Mỷ", "Ly", "Chía", "Xá",
                      "Mỉ", "Dua", "Xua", "Lan", "Sò", "Mỵ", "Chua", "Mảy", "Say", "Pằng",
                      "Dinh", "Dênh", "Dính", "Sy", "Mủa", "Di", "Lỳ", "Cở", "Ploa"),
        traditional=(0.9, 0.75),
    ),
    "dao": Style(
        surnames=_even("Triệu", "Bàn", "Đặng", "Lý", "Chảo", "Phùng", "Tẩn", "Sần", "Triệu",
                       "Bàn", "Đặng"),
        male_middle=("Văn", "Láo", "Tà"),
        female_middle=("Thị", "Tả", "Mùi"),
        male_given=("Phin", "Sành", "Chòi", "Kiều", "Nhất", "Chìu", "Vần", "Quẩy", "Lở", "Phú",
                    "Sinh", "Chàn", "Sơn", "Phẩu", "Quyên", "Tòng", "Kim", "Thắng"),
        female_given=("Mẩy", "Xiêm", "Chiêu", "Lai", "Duyên", "Kiều", "Mai", "Nái", "Ngân",
                      "Hiền", "Liều", "Dùn", "Khe", "Mây", "Phấy", "Chài"),
        traditional=(0.8, 0.6),
    ),
    "khmer": Style(
        surnames=_even("Thạch", "Sơn", "Kim", "Danh", "Lâm", "Lý", "Châu", "Trà", "Huỳnh",
                       "Dương", "Thạch", "Sơn", "Kim", "Danh"),
        male_middle=("",),
        female_middle=("Thị", ""),
        male_given=("Sa Rết", "Sóc", "Sa Rinh", "Phol", "Đa Ra", "Sang", "Pha", "Kha", "Mon",
                    "Vi", "Thươl", "Chanh", "Rết", "Sơn Na", "Hên", "Sóc Khon", "Sô Phal",
                    "Ry Ta", "Sa Vết", "Chăn Đa"),
        female_given=("Sô Phi", "Sa Ry", "Ny", "Ca Ny", "Mây", "Thy", "Sa Rây", "Chanh Thu",
                      "Sóc Khá", "Phal La", "Ra Ni", "Sa Vanh", "Sa Rươl", "Kim Na", "Sa Mết",
                      "Sa Phia", "Đa Ny", "Sô Ri"),
        traditional=(0.6, 0.5),
    ),
    "ede": Style(
        surnames=_even("Niê", "Mlô", "Êban", "Byă", "Ksơr", "Ayun", "Hwing", "Kbuôr", "Adrơng",
                       "Buôn Yă", "Knul", "Ktla", "Niê", "Mlô"),
        male_middle=("Y",),
        female_middle=("H'",),
        male_given=("Nguyên", "Bih", "Blô", "Tlang", "Ju", "Khoa", "Sin", "Hiên", "Kô", "Đhăm",
                    "Thông", "Wừn", "Jŭ", "Ngông", "Krăk", "Luyện"),
        female_given=("Bia", "Nhi", "Djuin", "Lê", "Juen", "Hen", "Blăng", "Nơ", "Ruth",
                      "Wen", "Ly", "Mai", "Bông", "Hnơn", "Dlia", "Yam"),
        traditional=(1.0, 1.0),
        clan_last=True,
        matrilineal=True,
    ),
    "jrai": Style(
        surnames=_even("Ksor", "Siu", "Rơ Châm", "Rơ Mah", "Kpă", "Nay", "Rahlan", "Puih",
                       "Rơ Lan", "Ksor", "Siu"),
        male_middle=("",),
        female_middle=("",),
        male_given=("Phước", "Hiếu", "Blih", "Kpuih", "Thuân", "Dơng", "Lin", "Nhân", "Tih",
                    "Kai", "Djơi", "Hyin", "Blơng", "Huh"),
        female_given=("H'Nhi", "H'Luyn", "H'Bla", "H'Nga", "H'Phi", "H'Yơn", "H'Lin",
                      "H'Dung", "H'Mai", "H'Hoa", "H'Ngơn", "H'Bhiơ"),
        traditional=(1.0, 1.0),
        matrilineal=True,
    ),
    "highland": Style(
        surnames=_even("Đinh", "Hồ", "Alăng", "Bhling", "Cơlâu", "Zơ Râm", "Bríu", "Pơloong",
                       "Đinh", "Hồ", "A", "Y"),
        male_middle=("Văn", ""),
        female_middle=("Thị", ""),
        male_given=("Thút", "Nhông", "Blúi", "Pai", "Rớt", "Krông", "Hiên", "Tiến", "Thanh",
                    "Ngãi", "Vin", "Đơ", "Bưn", "Lếch", "Pút", "Hải"),
        female_given=("Blưn", "Hoa", "Nga", "Hương", "Mlo", "Dim", "Nhít", "Thơ", "Rơi",
                      "Hiền", "Nhiên", "Pum", "Bơ", "Líp", "Lan", "Đào"),
        traditional=(0.9, 0.7),
    ),
    "cham": Style(
        surnames=_even("Đàng", "Thiên", "Quảng", "Lưu", "Châu", "Bá", "Thành", "Trượng", "Đàng",
                       "Thiên"),
        male_middle=("Văn", "Đại", "Năng"),
        female_middle=("Thị", "Ngọc"),
        male_given=_KINH_MALE,
        female_given=_KINH_FEMALE,
    ),
}

# Naming style of each ethnic group (canonical names from phocap.survey.ethnicity).
_STYLE_GROUPS: Final[dict[str, tuple[str, ...]]] = {
    "hoa": ("Hoa", "Ngái"),
    "tay": ("Tày", "Nùng", "Sán Chay", "Sán Dìu", "Giáy", "Bố Y", "Pà Thẻn", "Cơ Lao",
            "Pu Péo", "Thổ"),
    "muong": ("Mường",),
    "thai": ("Thái", "Lào", "Lự", "Khơ Mú", "Kháng", "Xinh Mun", "La Ha", "Si La", "Mảng",
             "Phù Lá", "La Chí", "Cống"),
    "hmong": ("Mông", "Hà Nhì", "La Hủ", "Lô Lô"),
    "dao": ("Dao",),
    "khmer": ("Khmer",),
    "ede": ("Ê Đê", "Mnông", "Chu Ru", "Ra Glai"),
    "jrai": ("Gia Rai",),
    "highland": ("Ba Na", "Xơ Đăng", "Gié Triêng", "Hrê", "Co", "Cơ Tu", "Tà Ôi",
                 "Bru Vân Kiều", "Cơ Ho", "Mạ", "Xtiêng", "Chơ Ro", "Brâu", "Rơ Măm", "Ơ Đu",
                 "Chứt"),
    "cham": ("Chăm",),
}
STYLE_OF_GROUP: Final[dict[str, str]] = {
    group: style for style, groups in _STYLE_GROUPS.items() for group in groups
}
STYLE_NAMES: Final[tuple[str, ...]] = tuple(STYLES)


def style_index(ethnicity: str) -> int:
    """Index in STYLE_NAMES of the naming style of a canonical ethnic group (Kinh default)."""
    return STYLE_NAMES.index(STYLE_OF_GROUP.get(ethnicity, "kinh"))


def _full(style: Style, surname: str, middle: str, given: str) -> str:
    """The full name; parts are normalised already, and normalising is per word."""
    parts = (middle, given, surname) if style.clan_last else (surname, middle, given)
    return " ".join(p for p in parts if p)


@dataclass(frozen=True)
class NameBook:
    """Every full name of every style, indexed arithmetically.

    Block ``b = style * 2 + female`` holds ``surnames × middles × givens`` names
    from ``offset[b]``; name ``(s, m, g)`` is at ``offset[b] + (s·M + m)·G + g``.
    ``fold_id`` numbers the accent-folded spellings, so that two names that fold
    alike (the duplicate check is accent-insensitive) share an id.
    """

    names: pa.Array
    fold_id: Ints
    repeated: Bools
    """The middle and given names are the same word ("Thúy Thúy"): never drawn."""
    offset: Ints
    surnames: Ints
    middles: Ints
    givens: Ints
    surname_cdf: tuple[Floats, ...]
    traditional: Floats  # (styles, 2): probability at age 60 and at age 0
    matrilineal: Bools


@functools.cache
def name_book() -> NameBook:
    """The name vocabulary, built once per process (about 0.2 s)."""
    names: list[str] = []
    repeated: list[bool] = []
    offset, n_sur, n_mid, n_giv = [], [], [], []
    for style in STYLES.values():
        surnames = [normalize(s) for s, _ in style.surnames]
        for middles, givens in (
            ([normalize(m) for m in style.male_middle], [normalize(g) for g in style.male_given]),
            ([normalize(m) for m in style.female_middle],
             [normalize(g) for g in style.female_given]),
        ):
            offset.append(len(names))
            n_sur.append(len(surnames))
            n_mid.append(len(middles))
            n_giv.append(len(givens))
            names.extend(
                _full(style, s, m, g) for s in surnames for m in middles for g in givens
            )
            repeated.extend(m == g for _ in surnames for m in middles for g in givens)
    folded = pl.Series("n", names).to_frame().select(fold_expr(pl.col("n")))["n"]
    fold_id = folded.rank("dense").to_numpy().astype(np.int64)
    return NameBook(
        names=pa.array(names, pa.string()),
        fold_id=fold_id,
        repeated=np.array(repeated, np.bool_),
        offset=np.array(offset, np.int64),
        surnames=np.array(n_sur, np.int64),
        middles=np.array(n_mid, np.int64),
        givens=np.array(n_giv, np.int64),
        surname_cdf=tuple(
            np.cumsum(np.array([w for _, w in st.surnames]) / sum(w for _, w in st.surnames))
            for st in STYLES.values()
        ),
        traditional=np.array([st.traditional for st in STYLES.values()], np.float64),
        matrilineal=np.array([st.matrilineal for st in STYLES.values()], np.bool_),
    )


def draw_surnames(rng: np.random.Generator, style: Ints) -> Ints:
    """A family-name index for each person, by the weights of their style."""
    book = name_book()
    # All styles' cumulative weights in one increasing array: style s's lie in (s, s + 1].
    cdf = np.concatenate([c + s for s, c in enumerate(book.surname_cdf)])
    first = np.cumsum([0] + [c.size for c in book.surname_cdf])[:-1]
    position = np.searchsorted(cdf, rng.random(style.shape[0]) + style, side="right")
    surname: Ints = np.minimum(position - first[style], book.surnames[style * 2] - 1)
    return surname


def draw_middle(rng: np.random.Generator, block: Ints, age: Ints) -> Ints:
    """A middle-name index: the traditional one (index 0) more often for older people."""
    book = name_book()
    n_mid = book.middles[block]
    at60, at0 = book.traditional[block // 2, 0], book.traditional[block // 2, 1]
    p_traditional = at0 + (at60 - at0) * np.minimum(age, 60) / 60.0
    other = 1 + (rng.random(block.shape[0]) * np.maximum(n_mid - 1, 1)).astype(np.int64)
    traditional = (rng.random(block.shape[0]) < p_traditional) | (n_mid == 1)
    middle: Ints = np.where(traditional, 0, np.minimum(other, n_mid - 1))
    return middle


def draw_given(rng: np.random.Generator, block: Ints) -> Ints:
    """A given-name index, uniform over the style's names for that sex."""
    n_giv = name_book().givens[block]
    given: Ints = (rng.random(block.shape[0]) * n_giv).astype(np.int64)
    return given


def name_index(block: Ints, surname: Ints, middle: Ints, given: Ints) -> Ints:
    """Index of each full name in the vocabulary."""
    book = name_book()
    index: Ints = book.offset[block] + (
        surname * book.middles[block] + middle
    ) * book.givens[block] + given
    return index


# --- villages -------------------------------------------------------------------------------

_NORTH_SYLLABLES: Final = (
    "Na", "Noong", "Huổi", "Pá", "Co", "Phiêng", "Hát", "Nà", "Pom", "Xôm", "Lói", "Púng",
    "Khá", "Hin", "Mạy", "Tấu", "Ten", "Lán", "Cang", "Pe", "Pọng", "Tâu", "Lếch", "Mớ",
    "Sẳng", "Đông", "Cọ", "Chan", "Nghịu", "Luông", "Bó", "Ló", "Pao", "Sáng", "Chiềng", "Hua",
    "Nậm", "Khoang", "Phăng", "Kéo",
)
_HIGHLAND_SYLLABLES: Final = (
    "Ea", "Kram", "Tơ", "Drai", "Pơng", "Krông", "Ja", "Blang", "Đăk", "Rơ", "Hra", "Kơ",
    "Tung", "Ama", "Kon", "Sơ", "Lak", "Chư", "Yang", "Ktul",
)


def village_names(
    rng: np.random.Generator, count: int, kind: str, majority_style: str, south: bool
) -> list[str]:
    """``count`` distinct village names for a commune.

    Wards and towns have residential groups (tổ dân phố, khu phố in the south);
    rural lowland communes have numbered thôn or xóm (ấp in the south); mountain
    communes have named bản in the north and buôn or plei in the Central
    Highlands.
    """
    if kind in ("Phường", "Thị trấn", "Đặc khu"):
        prefix = "Khu phố" if south else "Tổ dân phố"
        return [f"{prefix} {i}" for i in range(1, count + 1)]
    syllables: tuple[str, ...]
    if majority_style in ("thai", "hmong", "dao", "tay"):
        prefix, syllables = "Bản", _NORTH_SYLLABLES
    elif majority_style in ("ede", "jrai", "highland"):
        prefix = "Buôn" if majority_style == "ede" else "Plei"
        syllables = _HIGHLAND_SYLLABLES
    else:
        prefix = "Ấp" if south else ("Thôn" if rng.random() < 0.6 else "Xóm")
        return [f"{prefix} {i}" for i in range(1, count + 1)]
    n = len(syllables)
    # Two different syllables: pair p is (p // (n - 1), the p % (n - 1)-th of the others).
    picked = rng.choice(n * (n - 1), size=min(count, n * (n - 1)), replace=False)
    firsts, seconds = picked // (n - 1), picked % (n - 1)
    seconds = seconds + (seconds >= firsts)
    pairs = zip(firsts.tolist(), seconds.tolist(), strict=True)
    words = [f"{prefix} {syllables[a]} {syllables[b]}" for a, b in pairs]
    words += [f"{prefix} {i}" for i in range(len(words) + 1, count + 1)]
    return [normalize(w) for w in words]


# --- people ---------------------------------------------------------------------------------

MAX_REDRAWS = 12


def assign_names(
    rng: np.random.Generator,
    commune: Ints,
    household: Ints,
    age: Ints,
    female: Bools,
    ethnicity_index: Ints,
    mother: Ints,
    husband: Ints,
    birth_key: Ints,
) -> Ints:
    """A full-name index (into ``name_book().names``) for each person.

    Family names follow the family (father's, or mother's in matrilineal styles
    and when no father is listed). Names are redrawn where they would look wrong
    or be flagged by validation: two members of one household with the same
    name, and two people of one commune with the same accent-folded name and
    birth date (a likely duplicate). ``household`` numbers the batch's households
    from 0.
    """
    from phocap.survey.ethnicity import NAMES

    book = name_book()
    style_of = np.array([style_index(e) for e in NAMES], np.int64)
    style = style_of[ethnicity_index]
    block = style * 2 + female.astype(np.int64)
    surname = draw_surnames(rng, style)
    has_mother = mother >= 0
    m = np.maximum(mother, 0)
    father = np.where(has_mother, husband[m], -1)
    f = np.maximum(father, 0)
    from_father = has_mother & (father >= 0) & ~book.matrilineal[style] & (style[f] == style)
    from_mother = has_mother & ~from_father & (style[m] == style)
    # Twice: young husbands living with their parents take their father's name first,
    # then their children take it from them.
    for _ in range(2):
        surname = np.where(from_father, surname[f], np.where(from_mother, surname[m], surname))
    middle = draw_middle(rng, block, age)
    given = draw_given(rng, block)
    index = name_index(block, surname, middle, given)

    def keys(rows: Ints) -> tuple[Ints, Ints]:
        fold = book.fold_id[index[rows]]
        return _pack(commune[rows], fold, birth_key[rows]), _pack(household[rows], fold, 0)

    everyone = np.arange(index.size)
    by_birth, by_household = keys(everyone)
    taken_birth, clash_birth = _first_clashes(by_birth)
    taken_household, clash_household = _first_clashes(by_household)
    redraw = np.unique(np.concatenate(
        [clash_birth, clash_household, np.flatnonzero(book.repeated[index])]
    ))
    # Redrawn names are checked against everyone else's (sorted once) and each other's.
    settled_birth = np.zeros(0, np.int64)
    settled_household = np.zeros(0, np.int64)
    for _ in range(MAX_REDRAWS):
        if redraw.size == 0:
            break
        middle[redraw] = draw_middle(rng, block[redraw], age[redraw])
        given[redraw] = draw_given(rng, block[redraw])
        index[redraw] = name_index(block[redraw], surname[redraw], middle[redraw], given[redraw])
        new_birth, new_household = keys(redraw)
        bad = (
            book.repeated[index[redraw]]
            | _present(taken_birth, new_birth) | np.isin(new_birth, settled_birth)
            | _present(taken_household, new_household)
            | np.isin(new_household, settled_household)
        )
        bad[_first_clashes(new_birth)[1]] = True
        bad[_first_clashes(new_household)[1]] = True
        settled_birth = np.concatenate([settled_birth, new_birth[~bad]])
        settled_household = np.concatenate([settled_household, new_household[~bad]])
        redraw = redraw[bad]
    return index


def _pack(group: Ints, fold: Ints, birth_key: Ints | int) -> Ints:
    """One int64 key: groups (communes or households of a batch) < 2^21, folded names < 2^20,
    birth keys (year × 400 + day) < 2^22. One packed key sorts much faster than three."""
    packed: Ints = (group << np.int64(42)) | (fold << np.int64(22)) | birth_key
    return packed


def _first_clashes(key: Ints) -> tuple[Ints, Ints]:
    """The distinct keys (sorted), and the rows whose key an earlier row already has."""
    order = np.argsort(key)
    ordered = key[order]
    same = ordered[1:] == ordered[:-1]
    distinct: Ints = ordered[np.r_[True, ~same]]
    clashes: Ints = order[1:][same]
    return distinct, clashes


def _present(sorted_keys: Ints, keys: Ints) -> Bools:
    """Whether each key is in ``sorted_keys``."""
    at = np.minimum(np.searchsorted(sorted_keys, keys), max(sorted_keys.size - 1, 0))
    found: Bools = (sorted_keys.size > 0) & (sorted_keys[at] == keys)
    return found
