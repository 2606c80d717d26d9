package attachment_test

import (
	"fmt"
	"os"

	"github.com/nianbao/nianbao/attachment"
)

// A crawler judges the links on a report page, downloads the likely
// ones, sniffs what came back and reads its text.
func Example() {
	k, maybe := attachment.LinkKind("/downfile.jsp?fileid=123", "附件：2023年度法治政府建设情况报告.docx")
	fmt.Println(k, maybe)

	body, err := os.ReadFile("testdata/report.docx") // the response body
	if err != nil {
		panic(err)
	}
	disposition := "attachment; filename*=UTF-8''2023%E5%B9%B4%E5%BA%A6%E6%8A%A5%E5%91%8A.docx"
	fmt.Println(attachment.FileName(disposition, "http://www.xx.gov.cn/downfile.jsp?fileid=123"))

	var text string
	switch attachment.Sniff(body, "application/octet-stream", disposition, "http://www.xx.gov.cn/downfile.jsp?fileid=123") {
	case attachment.KindDOCX:
		text, err = attachment.DOCXText(body)
	case attachment.KindDOC, attachment.KindWPS:
		text, err = attachment.WordText(body)
	case attachment.KindOFD:
		text, err = attachment.OFDText(body)
	}
	if err != nil {
		panic(err)
	}
	fmt.Print(text[:len("XX市司法局2023年度法治政府建设情况报告\n")])
	// Output:
	// docx true
	// 2023年度报告.docx
	// XX市司法局2023年度法治政府建设情况报告
}
