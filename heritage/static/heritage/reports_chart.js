/* The attendance reports' bar chart, drawn with the vendored ECharts from #chart-data. */
(function () {
    "use strict";
    var source = document.getElementById("chart-data");
    var el = document.getElementById("rate-chart");
    if (!source || !el || !window.echarts) { return; }
    var data = JSON.parse(source.textContent);
    el.style.height = Math.max(220, data.labels.length * 28 + 60) + "px";
    var chart = echarts.init(el);
    chart.setOption({
        animation: false,
        title: {text: data.title, textStyle: {fontSize: 14}},
        grid: {left: 8, right: 52, top: 36, bottom: 8, containLabel: true},
        xAxis: {type: "value", min: 0, max: 100},
        yAxis: {type: "category", data: data.labels, inverse: true, axisLabel: {width: 120, overflow: "truncate"}},
        series: [{type: "bar", data: data.rates, itemStyle: {color: "#1f3f77"}, label: {show: true, position: "right", formatter: "{c}%"}}]
    });
    window.addEventListener("resize", function () { chart.resize(); });
})();
