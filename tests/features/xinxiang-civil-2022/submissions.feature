# language: zh-CN
@X3 @X7 @X8.annual @X8.three_year
功能: 公开上年度执法数据、上报三年提升方案和年度总结
  《新乡民政系统加强行政执法工作三年提升方案》:
  三、(五)「每年12月31日前公开本机关上年度行政执法总体情况有关数据,与执法案卷目录一起省民政厅备案」
  四、(一)「制定本地行政执法工作三年提升方案,于7月20日前上报市民政局办公室」(2022年7月20日)
  四、(三)"分别于2023年1月15日、2024年1月15日、2025年1月15日前报送年度和三年提升行动总结":
  「年1月15日、2024年1月15日、2025年1月15日前报送年度和三年提升行动总结」

  背景:
    假如 部门:
      | 编号     | 名称         | 区划                 | 层级   | 领域 |
      | XX-MZJ   | 新乡市民政局 | 河南省/新乡市        | 市     | 民政 |
      | XX-HX-MZ | 辉县市民政局 | 河南省/新乡市/辉县市 | 县级市 | 民政 |

  场景: 数据按期公开备案,方案和各年度总结按期报送
    假如 报送材料:
      | 编号 | 部门     | 事项                        | 期间 | 报送时间   | 公开日期   | 章节                               |
      | S1   | XX-MZJ   | xinxiang-enforcement-data   | 2022 | 2023-12-28 | 2023-12-28 | 行政执法总体情况有关数据、执法案卷目录 |
      | S2   | XX-HX-MZ | xinxiang-three-year-plan    |      | 2022-07-20 |            |                                    |
      | S3   | XX-HX-MZ | xinxiang-annual-summary     | 2022 | 2023-01-15 |            |                                    |
      | S4   | XX-HX-MZ | xinxiang-annual-summary     | 2023 | 2024-01-12 |            |                                    |
      | S5   | XX-HX-MZ | xinxiang-annual-summary     | 2024 | 2025-01-15 |            |                                    |
      | S6   | XX-HX-MZ | xinxiang-three-year-summary |      | 2025-01-15 |            |                                    |
    当 以 2025-01-31 为评估日评估规则包 xinxiang-civil-2022
    那么 规则 X3 对 XX-MZJ 在 2022 没有发现
    而且 规则 X7 没有发现
    而且 规则 X8.annual 没有发现
    而且 规则 X8.three_year 没有发现

  场景: 数据次年1月才公开为逾期;备案缺少执法案卷目录为不完整
    假如 报送材料:
      | 编号 | 部门     | 事项                      | 期间 | 报送时间   | 公开日期   | 章节                               |
      | S1   | XX-MZJ   | xinxiang-enforcement-data | 2022 | 2023-12-28 | 2024-01-02 | 行政执法总体情况有关数据、执法案卷目录 |
      | S2   | XX-HX-MZ | xinxiang-enforcement-data | 2022 | 2023-12-28 | 2023-12-28 | 行政执法总体情况有关数据             |
    当 以 2024-01-31 为评估日评估规则包 xinxiang-civil-2022
    那么 规则 X3 对 XX-MZJ 在 2022 报告 逾期
    而且 该发现的 published 为 2024-01-02
    而且 规则 X3 对 XX-HX-MZ 在 2022 报告 不完整
    而且 该发现的 missing_sections 为 执法案卷目录

  场景: 方案7月21日才上报为逾期,年度总结晚报,三年总结缺失
    假如 报送材料:
      | 编号 | 部门     | 事项                     | 期间 | 报送时间   |
      | S1   | XX-HX-MZ | xinxiang-three-year-plan |      | 2022-07-21 |
      | S2   | XX-HX-MZ | xinxiang-annual-summary  | 2023 | 2024-01-16 |
    当 以 2025-01-16 为评估日评估规则包 xinxiang-civil-2022
    那么 规则 X7 对 XX-HX-MZ 报告 逾期
    而且 规则 X7 对 XX-MZJ 没有发现
    而且 规则 X8.annual 对 XX-HX-MZ 在 2023 报告 逾期
    而且 规则 X8.annual 对 XX-HX-MZ 在 2022 报告 缺失
    而且 规则 X8.three_year 对 XX-HX-MZ 报告 缺失
