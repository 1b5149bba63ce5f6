"""Row-level rejection reasons: the code machines count and the Vietnamese message clerks read."""

from __future__ import annotations

MESSAGES = {
    "missing_name": "Thiếu họ và tên",
    "bad_birth_date": "Ngày sinh không đọc được (dùng dd/mm/yyyy, yyyy-mm-dd hoặc năm 4 chữ số)",
    "age_out_of_range": "Tuổi tại ngày số liệu ngoài khoảng 18–80, kiểm tra lại ngày sinh",
    "missing_gender": "Thiếu giới tính (Nam/Nữ), hoặc ngày sinh ghi ở cả cột Nam và cột Nữ",
    "unknown_ethnicity": "Dân tộc không có trong danh mục 54 dân tộc",
    "ambiguous_ethnicity_code": "Dân tộc ghi bằng số không xác định được (có hai danh mục mã khác nhau), hãy ghi tên dân tộc",
    "missing_body": "Thiếu đối tượng / nhóm chức danh",
    "unknown_body": "Đối tượng / nhóm chức danh không có trong danh mục",
    "bad_term": "Nhiệm kỳ không đọc được (ghi dạng 2020-2025)",
    "unknown_education": "Trình độ chuyên môn không có trong danh mục",
    "unknown_political_theory": "Trình độ lý luận chính trị không có trong danh mục",
    "duplicate_membership": "Người này đã có trong cùng nhóm chức danh ở dòng trước (trùng lặp)",
    "unknown_metric": "Nội dung đào tạo - tuyển dụng không có trong danh mục",
    "bad_number": "Số lượng không đọc được",
    "bad_year": "Năm không đọc được",
}
