"""A realistic, deterministic 2,216-procedure catalog for the catalog-search benchmark and tests.

The national catalog holds about 2,000 procedures at commune level and above; many share words
("Đăng ký …", "Cấp lại Giấy …", "… có yếu tố nước ngoài"). This generator takes the 50 real
commune procedures of the demo catalog, adds real-looking near neighbours in the same fields
(other levels, foreign-element variants, "cấp lại / cấp đổi / gia hạn …"), then fills the rest with
procedures of other fields built from real objects and actions, each with a distinct code.

    uv run --frozen python benchmarks/make_big_catalog.py [OUT.json] [--count N]
"""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "assets" / "catalog" / "demo_catalog.json"
SIZE = 2216
SEED = 20261123

# Real names of the national catalog that sit close to the commune procedures.
NEIGHBOURS: list[tuple[str, str, str]] = [
    ("Đăng ký khai sinh có yếu tố nước ngoài", "Hộ tịch", "xa"),
    (
        "Đăng ký khai sinh có yếu tố nước ngoài cho người đã có hồ sơ, giấy tờ cá nhân",
        "Hộ tịch",
        "xa",
    ),
    ("Đăng ký lại khai sinh có yếu tố nước ngoài", "Hộ tịch", "xa"),
    ("Đăng ký khai sinh kết hợp nhận cha, mẹ, con có yếu tố nước ngoài", "Hộ tịch", "xa"),
    ("Đăng ký khai tử có yếu tố nước ngoài", "Hộ tịch", "xa"),
    ("Đăng ký lại khai tử có yếu tố nước ngoài", "Hộ tịch", "xa"),
    ("Đăng ký lại kết hôn có yếu tố nước ngoài", "Hộ tịch", "xa"),
    ("Đăng ký nhận cha, mẹ, con có yếu tố nước ngoài", "Hộ tịch", "xa"),
    ("Đăng ký giám hộ có yếu tố nước ngoài", "Hộ tịch", "xa"),
    ("Đăng ký chấm dứt giám hộ có yếu tố nước ngoài", "Hộ tịch", "xa"),
    (
        "Đăng ký thay đổi, cải chính, bổ sung thông tin hộ tịch, xác định lại dân tộc có yếu tố nước ngoài",
        "Hộ tịch",
        "xa",
    ),
    (
        "Ghi vào Sổ hộ tịch việc kết hôn của công dân Việt Nam đã được giải quyết tại cơ quan có thẩm quyền của nước ngoài",
        "Hộ tịch",
        "xa",
    ),
    (
        "Ghi vào Sổ hộ tịch việc ly hôn, hủy việc kết hôn của công dân Việt Nam đã được giải quyết tại cơ quan có thẩm quyền của nước ngoài",
        "Hộ tịch",
        "xa",
    ),
    (
        "Ghi vào Sổ hộ tịch việc hộ tịch khác của công dân Việt Nam đã được giải quyết tại cơ quan có thẩm quyền nước ngoài",
        "Hộ tịch",
        "xa",
    ),
    (
        "Ghi vào Sổ hộ tịch việc khai sinh của công dân Việt Nam đã được đăng ký tại cơ quan có thẩm quyền của nước ngoài",
        "Hộ tịch",
        "xa",
    ),
    ("Cấp Giấy xác nhận tình trạng hôn nhân để sử dụng ở nước ngoài", "Hộ tịch", "tinh"),
    ("Cấp bản sao Trích lục hộ tịch tại cơ quan đại diện ở nước ngoài", "Hộ tịch", "tw"),
    ("Đăng ký khai sinh tại cơ quan đại diện Việt Nam ở nước ngoài", "Hộ tịch", "tw"),
    ("Đăng ký kết hôn tại cơ quan đại diện Việt Nam ở nước ngoài", "Hộ tịch", "tw"),
    ("Đăng ký khai tử tại cơ quan đại diện Việt Nam ở nước ngoài", "Hộ tịch", "tw"),
    ("Đăng ký nuôi con nuôi trong nước", "Nuôi con nuôi", "xa"),
    ("Đăng ký lại việc nuôi con nuôi trong nước", "Nuôi con nuôi", "xa"),
    ("Đăng ký nuôi con nuôi thực tế", "Nuôi con nuôi", "xa"),
    (
        "Giải quyết việc người nước ngoài thường trú ở Việt Nam nhận trẻ em Việt Nam làm con nuôi",
        "Nuôi con nuôi",
        "tinh",
    ),
    (
        "Chứng thực bản sao từ bản chính giấy tờ, văn bản do cơ quan tổ chức có thẩm quyền của nước ngoài cấp",
        "Chứng thực",
        "xa",
    ),
    (
        "Chứng thực chữ ký người dịch mà người dịch là cộng tác viên dịch thuật của Phòng Tư pháp",
        "Chứng thực",
        "huyen",
    ),
    (
        "Chứng thực chữ ký người dịch mà người dịch không phải là cộng tác viên dịch thuật",
        "Chứng thực",
        "huyen",
    ),
    ("Chứng thực hợp đồng, giao dịch liên quan đến tài sản là động sản", "Chứng thực", "huyen"),
    (
        "Chứng thực việc sửa đổi, bổ sung, hủy bỏ hợp đồng, giao dịch liên quan đến tài sản là động sản",
        "Chứng thực",
        "huyen",
    ),
    (
        "Sửa lỗi sai sót trong hợp đồng, giao dịch liên quan đến tài sản là động sản",
        "Chứng thực",
        "huyen",
    ),
    ("Công chứng hợp đồng mua bán nhà ở", "Công chứng", "tinh"),
    ("Công chứng bản dịch", "Công chứng", "tinh"),
    ("Công chứng di chúc", "Công chứng", "tinh"),
    ("Công chứng hợp đồng chuyển nhượng quyền sử dụng đất", "Công chứng", "tinh"),
    ("Công chứng văn bản thỏa thuận phân chia di sản", "Công chứng", "tinh"),
    ("Công chứng văn bản khai nhận di sản", "Công chứng", "tinh"),
    (
        "Đăng ký thường trú tại đơn vị hành chính cấp xã nơi không có đơn vị hành chính cấp huyện",
        "Đăng ký, quản lý cư trú",
        "tinh",
    ),
    ("Đăng ký tạm trú cho người nước ngoài", "Quản lý xuất nhập cảnh", "tinh"),
    ("Khai báo tạm trú cho người nước ngoài tại Việt Nam", "Quản lý xuất nhập cảnh", "xa"),
    ("Cấp thẻ tạm trú cho người nước ngoài", "Quản lý xuất nhập cảnh", "tinh"),
    ("Cấp thẻ Căn cước cho công dân Việt Nam từ đủ 14 tuổi trở lên", "Căn cước", "xa"),
    ("Cấp đổi thẻ Căn cước", "Căn cước", "xa"),
    ("Cấp lại thẻ Căn cước", "Căn cước", "xa"),
    ("Cấp giấy chứng nhận căn cước", "Căn cước", "tinh"),
    (
        "Xác nhận số Chứng minh nhân dân, số Căn cước công dân khi đã được cấp thẻ Căn cước",
        "Căn cước",
        "xa",
    ),
    ("Cấp hộ chiếu phổ thông ở trong nước", "Quản lý xuất nhập cảnh", "tinh"),
    (
        "Đăng ký thay đổi nội dung đăng ký doanh nghiệp",
        "Thành lập và hoạt động doanh nghiệp",
        "tinh",
    ),
    ("Đăng ký thành lập doanh nghiệp tư nhân", "Thành lập và hoạt động doanh nghiệp", "tinh"),
    ("Đăng ký thành lập hợp tác xã", "Thành lập và hoạt động của hợp tác xã", "xa"),
    ("Đăng ký thay đổi nội dung đăng ký hợp tác xã", "Thành lập và hoạt động của hợp tác xã", "xa"),
    ("Cấp lại Giấy chứng nhận đăng ký hợp tác xã", "Thành lập và hoạt động của hợp tác xã", "xa"),
    ("Giải thể tự nguyện hợp tác xã", "Thành lập và hoạt động của hợp tác xã", "xa"),
    ("Trợ giúp xã hội khẩn cấp về hỗ trợ làm nhà ở, sửa chữa nhà ở", "Bảo trợ xã hội", "xa"),
    ("Hỗ trợ chi phí mai táng cho đối tượng bảo trợ xã hội", "Bảo trợ xã hội", "xa"),
    (
        "Tiếp nhận đối tượng bảo trợ xã hội có hoàn cảnh đặc biệt khó khăn vào cơ sở trợ giúp xã hội",
        "Bảo trợ xã hội",
        "tinh",
    ),
    ("Công nhận hộ thoát nghèo, hộ thoát cận nghèo trong năm", "Bảo trợ xã hội", "xa"),
    (
        "Công nhận hộ làm nông nghiệp, lâm nghiệp, ngư nghiệp có mức sống trung bình",
        "Bảo trợ xã hội",
        "xa",
    ),
    ("Đổi, cấp lại Giấy xác nhận khuyết tật", "Bảo trợ xã hội", "xa"),
    ("Chi trả trợ cấp xã hội hằng tháng khi đối tượng thay đổi nơi cư trú", "Bảo trợ xã hội", "xa"),
    ("Giải quyết chế độ mai táng phí đối với cựu chiến binh", "Người có công", "xa"),
    ("Giải quyết trợ cấp tiền tuất hằng tháng khi người có công từ trần", "Người có công", "xa"),
    ("Hòa giải tranh chấp đất đai", "Đất đai", "xa"),
    ("Đăng ký đất đai, tài sản gắn liền với đất lần đầu", "Đất đai", "xa"),
    ("Cấp lại Giấy chứng nhận quyền sử dụng đất do bị mất", "Đất đai", "xa"),
    ("Đăng ký biến động quyền sử dụng đất, quyền sở hữu tài sản gắn liền với đất", "Đất đai", "xa"),
    ("Xác nhận hợp đồng tiếp cận nguồn gen", "Môi trường", "xa"),
    ("Thủ tục thôi làm hòa giải viên", "Phổ biến giáo dục pháp luật", "xa"),
    ("Công nhận hòa giải viên", "Phổ biến giáo dục pháp luật", "xa"),
    ("Công nhận tổ trưởng tổ hòa giải", "Phổ biến giáo dục pháp luật", "xa"),
    ("Xét tặng danh hiệu Gia đình văn hóa", "Văn hóa cơ sở", "xa"),
    ("Đăng ký hoạt động tín ngưỡng", "Tín ngưỡng, tôn giáo", "xa"),
    ("Đăng ký sinh hoạt tôn giáo tập trung", "Tín ngưỡng, tôn giáo", "xa"),
    ("Thông báo tổ chức lễ hội", "Văn hóa cơ sở", "xa"),
    ("Đăng ký khai thác nước dưới đất", "Tài nguyên nước", "xa"),
    ("Cấp giấy phép xây dựng nhà ở riêng lẻ", "Hoạt động xây dựng", "xa"),
    ("Cấp giấy phép xây dựng sửa chữa, cải tạo công trình", "Hoạt động xây dựng", "xa"),
    ("Đăng ký xe máy chuyên dùng", "Đường bộ", "tinh"),
    ("Đăng ký xe (lần đầu) tại Công an cấp xã", "Đăng ký, quản lý phương tiện giao thông", "xa"),
    ("Cấp biển số xe trúng đấu giá", "Đăng ký, quản lý phương tiện giao thông", "xa"),
    (
        "Thu hồi giấy chứng nhận đăng ký xe, biển số xe",
        "Đăng ký, quản lý phương tiện giao thông",
        "xa",
    ),
    ("Đăng ký nghĩa vụ quân sự lần đầu", "Nghĩa vụ quân sự", "xa"),
    ("Đăng ký nghĩa vụ quân sự bổ sung", "Nghĩa vụ quân sự", "xa"),
    ("Đăng ký tạm vắng nghĩa vụ quân sự", "Nghĩa vụ quân sự", "xa"),
    ("Thủ tục cấp giấy xác nhận thân nhân của người có công", "Người có công", "xa"),
    ("Cấp thẻ bảo hiểm y tế cho trẻ em dưới 6 tuổi", "Bảo hiểm y tế", "xa"),
    ("Cấp lại thẻ bảo hiểm y tế do bị mất, hỏng", "Bảo hiểm y tế", "xa"),
    ("Xác nhận hộ gia đình làm nông nghiệp có mức sống trung bình", "Bảo hiểm y tế", "xa"),
    (
        "Hỗ trợ học tập đối với trẻ mẫu giáo, học sinh tiểu học, học sinh trung học cơ sở",
        "Giáo dục và Đào tạo",
        "xa",
    ),
    (
        "Cho phép trường mẫu giáo, trường mầm non, nhà trẻ hoạt động giáo dục",
        "Giáo dục và Đào tạo",
        "xa",
    ),
    ("Chuyển trường đối với học sinh trung học cơ sở", "Giáo dục và Đào tạo", "xa"),
]

FIELDS: dict[str, list[str]] = {
    "Đất đai": [
        "Giấy chứng nhận quyền sử dụng đất, quyền sở hữu tài sản gắn liền với đất",
        "quyết định giao đất, cho thuê đất",
        "quyết định chuyển mục đích sử dụng đất",
        "hợp đồng thuê đất",
        "trích lục bản đồ địa chính",
        "thông tin đất đai",
    ],
    "Hoạt động xây dựng": [
        "giấy phép xây dựng công trình",
        "giấy phép di dời công trình",
        "chứng chỉ hành nghề hoạt động xây dựng",
        "giấy phép xây dựng có thời hạn",
        "thiết kế xây dựng triển khai sau thiết kế cơ sở",
    ],
    "Đường bộ": [
        "Giấy phép lái xe",
        "giấy phép kinh doanh vận tải bằng xe ô tô",
        "phù hiệu xe ô tô kinh doanh vận tải",
        "giấy phép liên vận",
        "giấy chứng nhận đăng ký xe máy chuyên dùng",
        "giấy phép thi công công trình đường bộ",
    ],
    "Khám bệnh, chữa bệnh": [
        "giấy phép hành nghề khám bệnh, chữa bệnh",
        "giấy phép hoạt động khám bệnh, chữa bệnh",
        "chứng chỉ hành nghề dược",
        "giấy chứng nhận đủ điều kiện kinh doanh dược",
    ],
    "An toàn thực phẩm": [
        "Giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm",
        "giấy xác nhận nội dung quảng cáo thực phẩm",
        "bản tự công bố sản phẩm",
    ],
    "Lưu thông hàng hóa trong nước": [
        "giấy phép bán lẻ rượu",
        "giấy phép bán lẻ sản phẩm thuốc lá",
        "giấy phép sản xuất rượu thủ công",
        "giấy chứng nhận đủ điều kiện cửa hàng bán lẻ xăng dầu",
        "giấy phép kinh doanh khí",
    ],
    "Văn hóa": [
        "giấy phép kinh doanh dịch vụ karaoke",
        "giấy phép kinh doanh dịch vụ vũ trường",
        "giấy phép tổ chức lễ hội",
        "giấy phép thành lập thư viện",
        "giấy phép tổ chức biểu diễn nghệ thuật",
    ],
    "Việc làm": [
        "giấy phép lao động cho người lao động nước ngoài",
        "trợ cấp thất nghiệp",
        "giấy phép hoạt động dịch vụ việc làm",
        "hỗ trợ học nghề",
    ],
    "Người có công": [
        "trợ cấp ưu đãi người có công",
        "giấy chứng nhận thương binh",
        "chế độ điều dưỡng phục hồi sức khỏe",
        "trợ cấp một lần đối với thân nhân liệt sĩ",
        "bằng Tổ quốc ghi công",
    ],
    "Giáo dục và Đào tạo": [
        "bằng tốt nghiệp trung học cơ sở",
        "bản sao văn bằng, chứng chỉ từ sổ gốc",
        "giấy phép hoạt động giáo dục",
        "quyết định công nhận trường đạt chuẩn quốc gia",
        "chế độ miễn, giảm học phí",
    ],
    "Thuế": [
        "mã số thuế",
        "giấy xác nhận nghĩa vụ thuế",
        "hoàn thuế thu nhập cá nhân",
        "miễn, giảm thuế sử dụng đất phi nông nghiệp",
    ],
    "Tài nguyên nước": [
        "giấy phép khai thác nước mặt",
        "giấy phép thăm dò nước dưới đất",
        "giấy phép xả nước thải vào nguồn nước",
    ],
    "Môi trường": [
        "giấy phép môi trường",
        "kế hoạch bảo vệ môi trường",
        "báo cáo đánh giá tác động môi trường",
    ],
    "Trồng trọt": [
        "giấy chứng nhận đủ điều kiện buôn bán phân bón",
        "giấy chứng nhận cây đầu dòng",
        "quyết định công nhận giống cây trồng",
    ],
    "Chăn nuôi và thú y": [
        "giấy chứng nhận đủ điều kiện chăn nuôi",
        "chứng chỉ hành nghề thú y",
        "giấy chứng nhận cơ sở an toàn dịch bệnh động vật",
    ],
    "Thủy sản": [
        "giấy phép khai thác thủy sản",
        "giấy chứng nhận đăng ký tàu cá",
        "giấy chứng nhận an toàn kỹ thuật tàu cá",
    ],
    "Lâm nghiệp": [
        "hồ sơ khai thác lâm sản",
        "phương án quản lý rừng bền vững",
        "quyết định giao rừng, cho thuê rừng",
    ],
    "Thi đua, khen thưởng": [
        "danh hiệu Lao động tiên tiến",
        "giấy khen của Chủ tịch Ủy ban nhân dân",
        "danh hiệu Chiến sĩ thi đua cơ sở",
    ],
    "Tín ngưỡng, tôn giáo": [
        "chấp thuận tổ chức cuộc lễ ngoài cơ sở tôn giáo",
        "đăng ký người được bổ nhiệm chức việc",
        "công nhận tổ chức tôn giáo cơ sở",
    ],
    "Quản lý công sản": [
        "quyết định thanh lý tài sản công",
        "quyết định điều chuyển tài sản công",
    ],
    "Bưu chính": [
        "giấy phép bưu chính",
        "văn bản xác nhận thông báo hoạt động bưu chính",
    ],
    "Phòng cháy, chữa cháy": [
        "văn bản thẩm duyệt thiết kế về phòng cháy và chữa cháy",
        "giấy chứng nhận huấn luyện nghiệp vụ phòng cháy",
    ],
    "Quản lý ngành nghề kinh doanh có điều kiện": [
        "giấy chứng nhận đủ điều kiện về an ninh, trật tự",
        "giấy phép sử dụng vật liệu nổ công nghiệp",
    ],
    "Lý lịch tư pháp": [
        "Phiếu lý lịch tư pháp số 1",
        "Phiếu lý lịch tư pháp số 2",
        "văn bản xác nhận lý lịch",
    ],
    "Quốc tịch": [
        "giấy xác nhận có quốc tịch Việt Nam",
        "giấy xác nhận là người gốc Việt Nam",
        "quyết định cho thôi quốc tịch Việt Nam",
        "quyết định cho trở lại quốc tịch Việt Nam",
    ],
    "Luật sư": [
        "chứng chỉ hành nghề luật sư",
        "giấy đăng ký hoạt động của văn phòng luật sư",
        "thẻ luật sư",
        "giấy phép thành lập chi nhánh của tổ chức luật sư nước ngoài",
    ],
    "Đấu giá tài sản": [
        "chứng chỉ hành nghề đấu giá",
        "giấy đăng ký hoạt động doanh nghiệp đấu giá tài sản",
    ],
    "Giám định tư pháp": [
        "thẻ giám định viên tư pháp",
        "quyết định công nhận người giám định tư pháp theo vụ việc",
    ],
    "Bồi thường nhà nước": [
        "quyết định giải quyết bồi thường",
        "văn bản thụ lý hồ sơ yêu cầu bồi thường",
    ],
    "Du lịch": [
        "giấy phép kinh doanh dịch vụ lữ hành nội địa",
        "thẻ hướng dẫn viên du lịch",
        "quyết định công nhận hạng cơ sở lưu trú du lịch",
        "biển hiệu phương tiện vận tải khách du lịch",
    ],
    "Thể dục, thể thao": [
        "giấy chứng nhận đủ điều kiện kinh doanh hoạt động thể thao",
        "phong đẳng cấp vận động viên",
        "quyết định công nhận câu lạc bộ thể thao cơ sở",
    ],
    "Báo chí, xuất bản": [
        "giấy phép xuất bản bản tin",
        "giấy phép hoạt động in",
        "giấy xác nhận đăng ký hoạt động cơ sở in",
        "giấy phép nhập khẩu xuất bản phẩm không kinh doanh",
    ],
    "Đường thủy nội địa": [
        "giấy chứng nhận đăng ký phương tiện thủy nội địa",
        "bằng thuyền trưởng, máy trưởng",
        "giấy phép hoạt động bến thủy nội địa",
        "chứng chỉ chuyên môn phương tiện thủy nội địa",
    ],
    "Tiêu chuẩn, đo lường, chất lượng": [
        "giấy chứng nhận đăng ký hoạt động thử nghiệm",
        "quyết định chỉ định tổ chức đánh giá sự phù hợp",
        "giấy xác nhận đăng ký kiểm định phương tiện đo",
    ],
    "Khoa học và công nghệ": [
        "giấy chứng nhận đăng ký hoạt động khoa học và công nghệ",
        "giấy chứng nhận doanh nghiệp khoa học và công nghệ",
        "giấy phép tiến hành công việc bức xạ",
    ],
    "Đầu tư tại Việt Nam": [
        "Giấy chứng nhận đăng ký đầu tư",
        "quyết định chấp thuận chủ trương đầu tư",
        "văn bản xác nhận ưu đãi đầu tư",
    ],
    "Bảo hiểm xã hội": [
        "sổ bảo hiểm xã hội",
        "chế độ ốm đau",
        "chế độ thai sản",
        "lương hưu hằng tháng",
        "trợ cấp bảo hiểm xã hội một lần",
    ],
    "Phòng, chống tệ nạn xã hội": [
        "quyết định cai nghiện ma túy tự nguyện tại gia đình",
        "quyết định quản lý sau cai nghiện",
    ],
    "Trẻ em": [
        "quyết định áp dụng biện pháp chăm sóc thay thế cho trẻ em",
        "hỗ trợ chi phí học tập cho trẻ em mồ côi",
    ],
    "Dân tộc": [
        "quyết định công nhận người có uy tín trong đồng bào dân tộc thiểu số",
        "hỗ trợ đất ở, nhà ở cho hộ dân tộc thiểu số",
    ],
    "Thủy lợi": [
        "giấy phép xả nước thải vào công trình thủy lợi",
        "giấy phép hoạt động trong phạm vi bảo vệ công trình thủy lợi",
    ],
    "Đê điều, phòng chống thiên tai": [
        "giấy phép sử dụng đê điều làm đường giao thông",
        "hỗ trợ khôi phục sản xuất vùng bị thiệt hại do thiên tai",
    ],
    "Hộ tịch": [
        "Giấy chứng nhận kết hôn",
        "Giấy khai sinh bản chính",
        "Sổ đăng ký hộ tịch",
    ],
    "Chứng thực": [
        "bản sao chứng thực điện tử",
        "sổ chứng thực",
    ],
}

ACTIONS = [
    "Cấp",
    "Cấp lại",
    "Cấp đổi",
    "Điều chỉnh",
    "Gia hạn",
    "Thu hồi",
    "Đăng ký",
    "Xác nhận",
    "Thẩm định",
    "Phê duyệt",
    "Công nhận",
    "Chấm dứt",
    "Đính chính",
    "Hủy bỏ",
    "Chuyển nhượng",
    "Sửa đổi, bổ sung",
    "Tạm ngừng",
    "Cho phép",
]
QUALIFIERS = [
    "",
    "",
    "",
    "cho tổ chức",
    "cho hộ gia đình, cá nhân",
    "có yếu tố nước ngoài",
    "trong trường hợp bị mất, hư hỏng",
    "lần đầu",
    "do thay đổi thông tin",
    "theo yêu cầu",
    "đối với doanh nghiệp",
    "trên địa bàn tỉnh",
    "thuộc thẩm quyền của Ủy ban nhân dân cấp xã",
]
LEVELS = ["tw", "tinh", "tinh", "xa", "xa", "huyen"]
AGENCY = {
    "tw": "Bộ, ngành Trung ương",
    "tinh": "Sở, ngành cấp tỉnh",
    "huyen": "UBND cấp huyện (cũ)",
    "xa": "UBND xã",
}


def _entry(rng: random.Random, code: str, name: str, field: str, level: str) -> dict[str, Any]:
    unit = rng.choice(["working_days"] * 6 + ["same_day", "working_hours"])
    value = 0 if unit == "same_day" else rng.choice([1, 2, 3, 5, 7, 10, 15, 20, 30])
    if unit == "working_hours":
        value = rng.choice([4, 8, 16])
    amount = rng.choice([None, 0, 0, 10000, 20000, 50000, 100000, 200000])
    return {
        "code": code,
        "name": name,
        "field": field,
        "level": level,
        "processing_time": {"value": value, "unit": unit},
        "cut_off": "15:00" if unit == "same_day" else None,
        "fees": [
            {
                "name": "Lệ phí",
                "amount_vnd": amount,
                "note": "" if amount is not None else "Do HĐND tỉnh quy định",
            }
        ],
        "components": [
            {
                "name": "Đơn đề nghị (theo mẫu)",
                "original": 1,
                "copy": 0,
                "required": True,
                "note": "",
            },
            {
                "name": "Giấy tờ chứng minh liên quan",
                "original": 0,
                "copy": 1,
                "required": rng.random() < 0.5,
                "note": "",
            },
        ],
        "legal_basis": [
            "Văn bản quy phạm pháp luật chuyên ngành (dữ liệu tổng hợp cho đo hiệu năng)"
        ],
        "agency": AGENCY[level],
        "notes": "",
        "source": "benchmarks/make_big_catalog.py (dữ liệu tổng hợp / synthetic)",
        "confidence": "unknown",
    }


def make_big_catalog(size: int = SIZE, seed: int = SEED) -> list[dict[str, Any]]:
    """The demo catalog plus real-looking neighbours and fillers: `size` entries, distinct codes."""
    from counter_app.domain.text import fold

    rng = random.Random(seed)
    demo = json.loads(DEMO.read_text(encoding="utf-8"))
    out: list[dict[str, Any]] = [dict(e) for e in demo][:size]
    used_codes = {e["code"] for e in out if e["code"]}
    used_names = {(fold(e["name"]), e.get("level", "")) for e in out}
    demo_names = {fold(e["name"]) for e in demo}

    def new_code() -> str:
        while True:
            code = f"{rng.choice((1, 1, 2, 3))}.{rng.randint(0, 14999):06d}"
            if code not in used_codes:
                used_codes.add(code)
                return code

    def add(name: str, field: str, level: str) -> None:
        key = (fold(name), level)
        if len(out) >= size or key in used_names or fold(name) in demo_names:
            return
        used_names.add(key)
        out.append(_entry(rng, new_code(), name, field, level))

    for name, field, level in NEIGHBOURS:
        add(name, field, level)
    fields = sorted(FIELDS)
    attempts = 0
    while len(out) < size and attempts < size * 50:
        attempts += 1
        field = rng.choice(fields)
        obj = rng.choice(FIELDS[field])
        action = rng.choice(ACTIONS)
        qual = rng.choice(QUALIFIERS)
        name = f"{action} {obj[0].lower() + obj[1:] if not obj[:2].isupper() else obj}"
        if qual:
            name += f" {qual}"
        add(name[0].upper() + name[1:], field, rng.choice(LEVELS))
    if len(out) < size:  # pragma: no cover - the vocabulary above is large enough
        raise RuntimeError(f"only {len(out)} distinct procedures generated")
    return out


def main(argv: list[str]) -> int:
    size = SIZE
    out_path = None
    args = list(argv)
    if "--count" in args:
        i = args.index("--count")
        size = int(args[i + 1])
        del args[i : i + 2]
    if args:
        out_path = Path(args[0])
    catalog = make_big_catalog(size)
    text = json.dumps(catalog, ensure_ascii=False, indent=1)
    if out_path:
        out_path.write_text(text, encoding="utf-8")
        print(f"{len(catalog)} procedures → {out_path}", file=sys.stderr)
    else:
        sys.stdout.write(text + "\n")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    raise SystemExit(main(sys.argv[1:]))
