"""The target groups of the provincial training plan, seeded by a data migration and editable afterwards."""

DEFAULT_TARGET_GROUPS = [
    ("leaders", "Cán bộ lãnh đạo, quản lý", "Lãnh đạo, quản lý các cấp từ tỉnh đến cơ sở."),
    ("civil_servants", "Cán bộ, công chức hành chính", "Công chức làm việc tại cơ quan hành chính nhà nước."),
    ("party_unions", "Cán bộ Đảng, đoàn thể, tổ chức chính trị - xã hội",
     "Cán bộ, công chức khối Đảng, Mặt trận Tổ quốc và các đoàn thể."),
    ("education", "Viên chức giáo dục", "Giáo viên, cán bộ quản lý và nhân viên các cơ sở giáo dục."),
    ("health", "Viên chức y tế", "Bác sĩ, điều dưỡng, nhân viên y tế."),
    ("public_service", "Viên chức sự nghiệp khác", "Viên chức các đơn vị sự nghiệp công lập khác."),
    ("support_staff", "Nhân viên hỗ trợ, phục vụ",
     "Kế toán, thủ thư, văn thư, nhân viên thiết bị trường học và các vị trí hỗ trợ."),
    ("it_specialists", "Cán bộ chuyên trách công nghệ thông tin",
     "Cán bộ, công chức, viên chức chuyên trách CNTT và chuyển đổi số."),
]
