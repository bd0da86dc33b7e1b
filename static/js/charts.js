/* The figures' charts, drawn with the vendored Apache ECharts (static/vendor/echarts/) as SVG
   (crisp on screen and in print). Each chart reads its data from the json_script tag its
   element names (data-chart): no inline script. The data table beside each chart holds the same
   numbers, so without JavaScript nothing is lost. */
(function () {
  "use strict";
  if (!window.echarts) { return; }

  var PALETTE = ["#1f5f99", "#c0392b", "#d98c1f", "#2e8b57", "#7a4fa0", "#5d6d7e", "#b7950b", "#16a085"];
  var LEVEL_COLOURS = { "蓝色（提示）": "#2f6fba", "黄色（关注）": "#d4ac0d", "橙色（警示）": "#e67e22", "红色（严重）": "#c0392b" };

  /* Chinese labels carry no spaces to break at: a long one is cut into lines of `width`
     characters, so every bar keeps its label instead of ECharts hiding those that overlap. */
  function wrapped(width) {
    return function (label) {
      var lines = [];
      for (var i = 0; i < label.length; i += width) { lines.push(label.slice(i, i + width)); }
      return lines.join("\n");
    };
  }

  /* Bars name every category: a few short ones wrapped under their bar, many tilted; a
     trend's months may skip labels that would overlap (the points stay). */
  function categoryAxis(labels, kind) {
    var label = { interval: 0 };
    if (kind === "line") {
      label.hideOverlap = true;
    } else if (kind === "hbar") {
      label.formatter = wrapped(16);
    } else if (labels.length <= 5) {
      label.formatter = wrapped(4);
    } else {
      label.rotate = 35;
    }
    return { type: "category", data: labels, axisLabel: label };
  }

  function optionFor(data) {
    var base = { color: PALETTE, animation: false, tooltip: { trigger: data.type === "pie" ? "item" : "axis" } };
    if (data.series.length > 1) { base.legend = { top: 0 }; }
    if (data.type === "pie") {
      base.series = [{
        type: "pie",
        radius: ["28%", "52%"],
        label: { formatter: "{b}：{c}", overflow: "none" },
        labelLine: { length: 8, length2: 6 },
        data: data.labels.map(function (label, i) { return { name: label, value: data.series[0].data[i] }; })
      }];
      return base;
    }
    var horizontal = data.type === "hbar";
    var labels = horizontal ? data.labels.slice().reverse() : data.labels;
    base.grid = { left: 8, right: 24, top: data.series.length > 1 ? 32 : 16, bottom: 8, containLabel: true };
    base.xAxis = horizontal ? { type: "value", minInterval: 1 } : categoryAxis(labels, data.type);
    base.yAxis = horizontal ? categoryAxis(labels, "hbar") : { type: "value", minInterval: 1 };
    base.series = data.series.map(function (series) {
      var values = horizontal ? series.data.slice().reverse() : series.data;
      var item = { name: series.name, type: data.type === "line" ? "line" : "bar", data: values };
      if (data.type !== "line" && data.series.length === 1) {
        item.itemStyle = { color: function (p) { return LEVEL_COLOURS[p.name] || PALETTE[0]; } };
      }
      return item;
    });
    return base;
  }

  var charts = [];
  document.querySelectorAll("[data-chart]").forEach(function (element) {
    var source = document.getElementById(element.getAttribute("data-chart"));
    if (!source) { return; }
    var data = JSON.parse(source.textContent);
    if (data.type === "hbar") {
      element.style.height = Math.max(200, data.labels.length * 28 + 48) + "px";
    }
    var chart = window.echarts.init(element, null, { renderer: "svg" });
    chart.setOption(optionFor(data));
    charts.push(chart);
  });
  window.addEventListener("resize", function () {
    charts.forEach(function (chart) { chart.resize(); });
  });
}());
