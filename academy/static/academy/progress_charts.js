/* Hours over time and skills practised, drawn with the vendored ECharts.
   Tooltips are drawn on the canvas (renderMode "richText"): ECharts' HTML tooltips carry style
   attributes, which the Content-Security-Policy refuses. */
(function () {
    "use strict";
    if (!window.echarts) { return; }
    function data(id) {
        var node = document.getElementById(id);
        return node ? JSON.parse(node.textContent) : null;
    }
    var labels = document.getElementById("chart-labels").dataset;
    var hours = data("hours-data");
    var hoursNode = document.getElementById("hours-chart");
    if (hours && hoursNode) {
        var chart = echarts.init(hoursNode);
        chart.setOption({
            tooltip: { trigger: "axis", renderMode: "richText" },
            legend: { bottom: 0 },
            grid: { left: 40, right: 16, top: 24, bottom: 56, containLabel: true },
            xAxis: { type: "category", data: hours.labels },
            yAxis: { type: "value", max: hours.axis_max },
            series: [
                { name: labels.monthly, type: "bar", data: hours.monthly, itemStyle: { color: "#1f3f77" } },
                {
                    name: labels.total, type: "line", data: hours.cumulative, smooth: true,
                    itemStyle: { color: "#a8261d" },
                    markLine: { symbol: "none", data: [{ yAxis: hours.target, name: labels.target }],
                                label: { position: "insideEndTop", formatter: labels.target + " {c}" } }
                }
            ]
        });
        window.addEventListener("resize", function () { chart.resize(); });
    }
    var skills = data("skills-data");
    var skillsNode = document.getElementById("skills-chart");
    if (skills && skillsNode) {
        var bars = echarts.init(skillsNode);
        bars.setOption({
            tooltip: { renderMode: "richText" },
            grid: { left: 8, right: 16, top: 8, bottom: 24, containLabel: true },
            xAxis: { type: "value", minInterval: 1 },
            yAxis: { type: "category", data: skills.labels.slice().reverse() },
            series: [{ name: labels.sessions, type: "bar", data: skills.counts.slice().reverse(), itemStyle: { color: "#2f7a3b" } }]
        });
        window.addEventListener("resize", function () { bars.resize(); });
    }
})();
