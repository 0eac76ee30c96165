# language: zh-CN
@G3.report @G8.list @G8.report @G10
功能: 各执法部门按期报送轮训情况、突出问题清单、专项整治情况和行政执法事项目录
  《广汉市提升行政执法质量三年行动计划实施方案》:
  二、(一)2「各执法部门于2024年6月30日前将本部门全员轮训情况报市司法局」
  二、(二)1「2023年底前梳理形成本部门行政执法领域的突出问题清单」,
  「各行政执法部门将专项整治情况于2024年9月10日前报市司法局」
  二、(三)1「督促指导各行政执法部门于2024年底前研究制定本部门行政执法事项目录」
  市司法局接收报告,本身也是执法部门,同样报送本部门的轮训情况和专项整治情况;突出问题清单和事项目录每个部门(含市司法局)都要形成。

  背景:
    假如 部门:
      | 编号    | 名称                 | 区划                 | 层级   | 领域     |
      | GH-SFJ  | 广汉市司法局         | 四川省/德阳市/广汉市 | 县级市 | 司法行政 |
      | GH-SCJG | 广汉市市场监督管理局 | 四川省/德阳市/广汉市 | 县级市 | 市场监管 |

  场景: 各项材料在期限当日报送,均按期
    假如 报送材料:
      | 编号 | 部门    | 事项                          | 报送时间                  |
      | S1   | GH-SCJG | guanghan-rotation-report      | 2024-06-30T23:59:00+08:00 |
      | S2   | GH-SCJG | guanghan-problem-list         | 2023-12-31                |
      | S3   | GH-SFJ  | guanghan-problem-list         | 2023-12-29                |
      | S4   | GH-SCJG | guanghan-rectification-report | 2024-09-10                |
      | S5   | GH-SCJG | guanghan-enforcement-catalog  | 2024-12-31                |
      | S6   | GH-SFJ  | guanghan-enforcement-catalog  | 2024-10-08                |
      | S7   | GH-SFJ  | guanghan-rotation-report      | 2024-06-28                |
      | S8   | GH-SFJ  | guanghan-rectification-report | 2024-09-09                |
    当 以 2024-12-31 为评估日评估规则包 guanghan-2023
    那么 规则 G3.report 没有发现
    而且 规则 G8.list 没有发现
    而且 规则 G8.report 没有发现
    而且 规则 G10 没有发现

  场景: 7月1日才报送轮训情况为逾期;市司法局也须报送本部门的轮训情况
    假如 报送材料:
      | 编号 | 部门    | 事项                     | 报送时间                  |
      | S1   | GH-SCJG | guanghan-rotation-report | 2024-06-30T16:00:00Z      |
    当 以 2024-12-31 为评估日评估规则包 guanghan-2023
    那么 规则 G3.report 对 GH-SCJG 报告 逾期
    而且 该发现的 报送日期 为 2024-07-01
    而且 规则 G3.report 对 GH-SFJ 报告 缺失
    而且 规则 G8.report 对 GH-SFJ 报告 缺失

  场景: 没有报送的材料在期限过后为缺失,期限前为未到期
    当 以 2024-09-01 为评估日评估规则包 guanghan-2023
    那么 规则 G8.list 对 GH-SFJ 报告 缺失
    而且 规则 G8.list 对 GH-SCJG 报告 缺失
    而且 规则 G8.report 对 GH-SCJG 报告 未到期
    而且 规则 G10 对 GH-SCJG 报告 未到期
    当 以 2025-01-01 为评估日评估规则包 guanghan-2023
    那么 规则 G8.report 对 GH-SCJG 报告 缺失
    而且 规则 G10 对 GH-SFJ 报告 缺失

  场景: 评估日为期限当天,当天结束时尚未报送即为缺失
    当 以 2024-06-30 为评估日评估规则包 guanghan-2023
    那么 规则 G3.report 对 GH-SCJG 报告 缺失
    当 以 2024-06-29 为评估日评估规则包 guanghan-2023
    那么 规则 G3.report 对 GH-SCJG 报告 未到期
