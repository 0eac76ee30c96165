# language: zh-CN
@Z4 @Z5 @Z11.summary @Z11.rectification
功能: 大练兵环节和活动结束后向市司法局报送的报告
  《遵义市行政执法人员大学习大练兵大比拼活动安排部署》四、(二)1:
  「5月20日前,各县(市、区)司法局、各市直行政执法部门要将本地区本部门开展专项自查工作情况报告市司法局,总结报告分为开展专项整治的基本情况、具体做法和取得的成效、查找的突出问题、整改落实措施四个部份」,
  「并于6月20前将本地区本部门整改落实情况报告报市司法局」("6月20前"读作6月20日前)。
  五、(三):「各县(市、区)司法局、市级各行政执法部门分别于8月20日前将活动总结报告,11月10日前将专项整治整改落实情况报送市司法局」,
  即「11月10日前将专项整治整改落实情况报送市司法局」。
  报送单位为县级司法局和参加本次活动的市级部门;市司法局接收报告,本身也是市直行政执法部门,同样报送本部门的报告;
  参加省直系统活动的11个领域的市级部门不报送。

  背景:
    假如 部门:
      | 编号        | 名称                     | 区划                   | 层级 | 领域     |
      | ZY-SFJ      | 遵义市司法局             | 贵州省/遵义市          | 市   | 司法行政 |
      | ZY-HHQ-SFJ  | 红花岗区司法局           | 贵州省/遵义市/红花岗区 | 区   | 司法行政 |
      | ZY-MZ       | 遵义市民族宗教事务委员会 | 贵州省/遵义市          | 市   | 民族宗教 |
      | ZY-SCJG     | 遵义市市场监督管理局     | 贵州省/遵义市          | 市   | 市场监管 |
      | ZY-HHQ-CG   | 红花岗区综合行政执法局   | 贵州省/遵义市/红花岗区 | 区   | 城市管理 |

  场景: 四个部份齐备并按期报送各项报告
    假如 报送材料:
      | 编号 | 部门       | 事项                             | 报送时间   | 章节                                                                 |
      | S1   | ZY-HHQ-SFJ | zunyi-self-inspection-report     | 2022-05-20 | 开展专项整治的基本情况、具体做法和取得的成效、查找的突出问题、整改落实措施 |
      | S2   | ZY-MZ      | zunyi-self-inspection-report     | 2022-05-18 | 开展专项整治的基本情况、具体做法和取得的成效、查找的突出问题、整改落实措施 |
      | S3   | ZY-HHQ-SFJ | zunyi-rectification-report       | 2022-06-20 |                                                                      |
      | S4   | ZY-MZ      | zunyi-rectification-report       | 2022-06-15 |                                                                      |
      | S5   | ZY-HHQ-SFJ | zunyi-campaign-summary           | 2022-08-19 |                                                                      |
      | S6   | ZY-MZ      | zunyi-campaign-summary           | 2022-08-20 |                                                                      |
      | S7   | ZY-HHQ-SFJ | zunyi-final-rectification-report | 2022-11-10 |                                                                      |
      | S8   | ZY-MZ      | zunyi-final-rectification-report | 2022-11-01 |                                                                      |
      | S9   | ZY-SFJ     | zunyi-self-inspection-report     | 2022-05-20 | 开展专项整治的基本情况、具体做法和取得的成效、查找的突出问题、整改落实措施 |
      | S10  | ZY-SFJ     | zunyi-rectification-report       | 2022-06-20 |                                                                      |
      | S11  | ZY-SFJ     | zunyi-campaign-summary           | 2022-08-20 |                                                                      |
      | S12  | ZY-SFJ     | zunyi-final-rectification-report | 2022-11-10 |                                                                      |
    当 以 2022-11-30 为评估日评估规则包 zunyi-2022
    那么 规则 Z4 没有发现
    而且 规则 Z5 没有发现
    而且 规则 Z11.summary 没有发现
    而且 规则 Z11.rectification 没有发现

  场景: 自查报告缺少“整改落实措施”部份,期限过后为不完整
    假如 报送材料:
      | 编号 | 部门       | 事项                         | 报送时间   | 章节                                                   |
      | S1   | ZY-HHQ-SFJ | zunyi-self-inspection-report | 2022-05-19 | 开展专项整治的基本情况、具体做法和取得的成效、查找的突出问题 |
    当 以 2022-05-31 为评估日评估规则包 zunyi-2022
    那么 规则 Z4 对 ZY-HHQ-SFJ 报告 不完整
    而且 该发现的 missing_sections 为 整改落实措施
    而且 该发现的期限为 2022-05-20

  场景: 5月25日补报缺少的部份,完成日晚于期限为逾期
    假如 报送材料:
      | 编号 | 部门       | 事项                         | 报送时间   | 章节                                                   |
      | S1   | ZY-HHQ-SFJ | zunyi-self-inspection-report | 2022-05-19 | 开展专项整治的基本情况、具体做法和取得的成效、查找的突出问题 |
      | S2   | ZY-HHQ-SFJ | zunyi-self-inspection-report | 2022-05-25 | 整改落实措施                                           |
    当 以 2022-05-31 为评估日评估规则包 zunyi-2022
    那么 规则 Z4 对 ZY-HHQ-SFJ 报告 逾期
    而且 该发现的 completed 为 2022-05-25

  场景: 报送单位的范围:市司法局也报送本部门的报告;11个领域的市级部门和县级非司法部门不报送
    当 以 2022-05-31 为评估日评估规则包 zunyi-2022
    那么 规则 Z4 对 ZY-HHQ-SFJ 报告 缺失
    而且 规则 Z4 对 ZY-MZ 报告 缺失
    而且 规则 Z4 对 ZY-SFJ 报告 缺失
    而且 规则 Z4 共报告 3 项

  场景: 整改报告和活动总结逾期或未报送
    假如 报送材料:
      | 编号 | 部门  | 事项                       | 报送时间   |
      | S1   | ZY-MZ | zunyi-rectification-report | 2022-06-21 |
      | S2   | ZY-MZ | zunyi-campaign-summary     | 2022-08-21 |
    当 以 2022-11-30 为评估日评估规则包 zunyi-2022
    那么 规则 Z5 对 ZY-MZ 报告 逾期
    而且 规则 Z11.summary 对 ZY-MZ 报告 逾期
    而且 规则 Z11.rectification 对 ZY-MZ 报告 缺失
    而且 该发现的期限为 2022-11-10
