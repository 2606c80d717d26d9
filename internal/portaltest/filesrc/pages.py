# pages.py writes the web pages of the files portal (../files/): a column
# of reports published as files, or as pages with attachments. Run by hand
# after changing it; the pages are committed.
import os, re, html

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'files')
SITE = '江北区人民政府'

def chrome(title, crumbs, main, meta=''):
    return f'''<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta http-equiv="Content-Type" content="text/html; charset=utf-8">
<meta name="SiteName" content="{SITE}">
<meta name="SiteIDCode" content="5001050001">
{meta}<title>{html.escape(title)}_{SITE}</title>
<style>body{{font:14px/1.6 "Microsoft YaHei",SimSun,sans-serif}} .nav li{{display:inline;margin:0 12px}} .share a{{margin:0 4px}}</style>
<script>function showTime(){{var d=new Date();document.getElementById('clock').innerHTML=d.toLocaleString();}}</script>
</head>
<body onload="showTime()">
<div class="top"><span id="clock"></span> <a href="/">首页</a> | <a href="/wza/">无障碍</a> | <a href="/lnb/">关爱版</a></div>
<div class="header"><h1 class="logo">{SITE}</h1></div>
<ul class="nav"><li><a href="/">首页</a></li><li><a href="/zwgk/">政务公开</a></li><li><a href="/fzzf/">法治政府建设</a></li><li><a href="/hdjl/">互动交流</a></li><li><a href="/bsfw/">办事服务</a></li></ul>
<div class="position">当前位置：<a href="/">首页</a> &gt; {crumbs}</div>
{main}
<div class="footer">
<p><a href="/wzdt/">网站地图</a> | <a href="/lxwm/">联系我们</a> | <a href="/jczx/">政府网站找错</a></p>
<p>主办单位：重庆市江北区人民政府办公室　网站标识码：5001050001</p>
<p>渝ICP备05003300号　渝公网安备 50010502000001号</p>
</div>
</body>
</html>
'''

def article(title, pub, source, paras, attachments=''):
    body = '\n'.join(f'<p>{html.escape(p)}</p>' for p in paras)
    meta = (f'<meta name="ArticleTitle" content="{html.escape(title)}">\n'
            f'<meta name="PubDate" content="{pub}">\n<meta name="ContentSource" content="{source}">\n')
    main = f'''<div class="article">
<h2 class="title">{html.escape(title)}</h2>
<div class="info">发布时间：{pub}　来源：{source}　浏览次数：<span id="hits">1024</span>　字号：<a href="#">大</a> <a href="#">中</a> <a href="#">小</a></div>
<div class="TRS_Editor">
{body}
</div>
{attachments}
<div class="share">分享到：<a href="#">微信</a><a href="#">微博</a></div>
<div class="print"><a href="javascript:window.print()">打印本页</a> <a href="javascript:window.close()">关闭窗口</a></div>
<div class="prevnext"><p>上一篇：<a href="/fzzf/202402/t20240220_3999.html">江北区召开2024年法治政府建设工作会议</a></p></div>
</div>'''
    return chrome(title, '<a href="/fzzf/">法治政府建设</a> &gt; 正文', main, meta)

def paras_of(src):
    text = open(os.path.join(os.path.dirname(os.path.abspath(__file__)), src), encoding='utf-8').read()
    return [html.unescape(t) for t in re.findall(r'<p>(.*?)</p>', text, re.S)]

def write(path, content):
    p = os.path.join(OUT, path)
    os.makedirs(os.path.dirname(p), exist_ok=True)
    open(p, 'w', encoding='utf-8').write(content)

write('robots.txt', 'User-agent: *\nDisallow: /private/\n')
write('index.html', chrome('首页', '首页', '<div class="main"><a href="/fzzf/">法治政府建设</a></div>'))

items = [
    ('/fzzf/202403/t20240301_4001.html', '江北区人民政府2023年度法治政府建设情况报告', '2024-03-01'),
    ('/fzzf/202403/t20240302_4002.html', '江北区2023年政府信息公开工作年度报告', '2024-03-02'),
    ('/fzzf/202303/P020230301000000003.pdf', '江北区司法局2022年度法治政府建设情况报告.pdf', '2023-03-01'),
    ('/fzzf/downfile.jsp?fileid=4004', '江北区2022年度法治政府建设情况报告（OFD版）', '2023-03-10'),
    ('/fzzf/202203/t20220301_4005.html', '江北区2021年度法治政府建设情况报告', '2022-03-01'),
    ('/fzzf/202103/P020210301000000007.pdf', '江北区2020年度法治政府建设情况报告（扫描件）', '2021-03-01'),
    ('/fzzf/202402/t20240220_3999.html', '江北区召开2024年法治政府建设工作会议', '2024-02-20'),
]
lis = '\n'.join(f'<li><a href="{u}" title="{html.escape(t)}">{html.escape(t)}</a><span>{d}</span></li>' for u, t, d in items)
write('fzzf/index.html', chrome('法治政府建设', '法治政府建设', f'<div class="list"><ul>\n{lis}\n</ul></div>'))

# The report inline, and the same report as a PDF.
a = paras_of('a-fzzf-2023.html')
write('fzzf/202403/t20240301_4001.html', article('江北区人民政府2023年度法治政府建设情况报告', '2024-03-01 09:00', '江北区司法局', a,
    '<div class="fj">附件：<a href="/fzzf/202403/P020240301123456789.pdf">江北区人民政府2023年度法治政府建设情况报告.pdf</a></div>'))
# A short page; the report is the DOCX.
write('fzzf/202403/t20240302_4002.html', article('江北区2023年政府信息公开工作年度报告', '2024-03-02 10:00', '江北区人民政府办公室',
    ['现将《江北区2023年政府信息公开工作年度报告》予以公开，详见附件。'],
    '<div class="fj"><p>附件：<a href="./P020240302000000001.docx" title="江北区2023年政府信息公开工作年度报告.docx">江北区2023年政府信息公开工作年度报告.docx</a></p></div>'))
# A page with several attachments of several kinds.
write('fzzf/202203/t20220301_4005.html', article('江北区2021年度法治政府建设情况报告', '2022-03-01 15:00', '江北区司法局',
    ['按照法治政府建设年度报告制度要求，现将江北区2021年度法治政府建设情况报告及相关统计表公开如下。'],
    '''<div class="fj">
<p>附件1：<a href="/fzzf/202203/P020220301000000005.doc">江北区2021年度法治政府建设情况报告.doc</a></p>
<p>附件2：<a href="/fzzf/202203/P020220301000000006.wps">2021年度行政复议和行政应诉情况统计表.wps</a></p>
<p>附件3：<a href="/fzzf/202203/P020220301000000009.zip">相关材料.zip</a></p>
<p>附件4：<a href="https://file.jiangbei.example/fj/2021/xzfy.pdf">行政复议决定书汇编.pdf</a></p>
<p>附件5：<a href="/fzzf/202203/P020220301000000008.pdf">江北区司法局2022年度法治政府建设情况报告.pdf</a></p>
</div>'''))
write('fzzf/202402/t20240220_3999.html', article('江北区召开2024年法治政府建设工作会议', '2024-02-20 16:00', '江北区司法局',
    ['2月20日，江北区召开2024年法治政府建设工作会议，总结2023年工作，部署2024年重点任务。']))
