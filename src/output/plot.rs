//! A trend as a chart in an SVG file (plotters' SVG backend: vector output that prints
//! sharply in a paper and needs no font or image library): one line per query, the buckets
//! along the x axis, the count, share or sum up the y axis, both axes labelled, a legend
//! naming the queries.

use crate::error::FyndError;
use crate::views::trend::Trend;
use plotters::prelude::*;
use std::path::Path;

/// Width and height of the chart, in SVG pixels.
const SIZE: (u32, u32) = (960, 540);

/// Colours of the series, in order (distinct in print and for common colour blindness).
const COLOURS: [RGBColor; 6] = [
    RGBColor(0, 114, 178),
    RGBColor(213, 94, 0),
    RGBColor(0, 158, 115),
    RGBColor(204, 121, 167),
    RGBColor(86, 180, 233),
    RGBColor(230, 159, 0),
];

/// Draws `trend` into the SVG file `path` (its name must end in `.svg`).
pub fn write_trend_svg(trend: &Trend, path: &Path) -> Result<(), FyndError> {
    let is_svg = path
        .extension()
        .is_some_and(|ext| ext.eq_ignore_ascii_case("svg"));
    if !is_svg {
        return Err(FyndError::BadView {
            option: "--plot".into(),
            message: format!(
                "{} is no .svg file: fynd draws charts as SVG (write --plot chart.svg; a PNG can be made from it with rsvg-convert or Inkscape)",
                path.display()
            ),
        });
    }
    let failed = |err: String| FyndError::Io {
        path: path.to_path_buf(),
        source: std::io::Error::other(err),
    };
    let values: Vec<Vec<f64>> = trend
        .series
        .iter()
        .map(|series| {
            series
                .points
                .iter()
                .map(|p| match (p.share, p.sum) {
                    (Some(share), _) if trend.share => share * 100.0,
                    (_, Some(sum)) => sum as f64,
                    _ => p.count as f64,
                })
                .collect()
        })
        .collect();
    let top = values.iter().flatten().cloned().fold(0.0, f64::max);
    let top = if top <= 0.0 { 1.0 } else { top * 1.08 };
    let n = trend.buckets.len().max(1);
    let y_label = if trend.share {
        "share of all projects in the bucket (%)".to_string()
    } else if let Some(sum) = &trend.sum {
        format!("{sum} (SEK, summed)")
    } else {
        "matching projects".to_string()
    };
    let x_label = match trend.by.as_str() {
        "year" => "year (a project counts in every year it runs)".to_string(),
        "start_year" => "start year".to_string(),
        other => other.replace('_', " "),
    };
    let root = SVGBackend::new(path, SIZE).into_drawing_area();
    root.fill(&WHITE).map_err(|e| failed(e.to_string()))?;
    let title = trend
        .series
        .iter()
        .map(|s| format!("“{}”", s.query))
        .collect::<Vec<_>>()
        .join(", ");
    let mut chart = ChartBuilder::on(&root)
        .caption(title, ("sans-serif", 22))
        .margin(16)
        .x_label_area_size(if trend.by.contains("year") { 48 } else { 110 })
        .y_label_area_size(80)
        .build_cartesian_2d(-0.5f64..(n as f64 - 0.5), 0f64..top)
        .map_err(|e| failed(e.to_string()))?;
    let buckets = trend.buckets.clone();
    chart
        .configure_mesh()
        .x_desc(x_label)
        .y_desc(y_label)
        .x_labels(n.min(40))
        .x_label_formatter(&|x| {
            let at = x.round();
            if (x - at).abs() > 1e-6 || at < 0.0 {
                return String::new();
            }
            buckets.get(at as usize).cloned().unwrap_or_default()
        })
        .y_label_formatter(&|y| {
            if *y >= 1e6 {
                format!("{:.1} M", y / 1e6)
            } else {
                format!("{y:.0}")
            }
        })
        .axis_desc_style(("sans-serif", 16))
        .label_style(("sans-serif", 13))
        .light_line_style(WHITE.mix(0.0))
        .draw()
        .map_err(|e| failed(e.to_string()))?;
    for (s, (series, values)) in trend.series.iter().zip(&values).enumerate() {
        let colour = COLOURS[s % COLOURS.len()];
        let points: Vec<(f64, f64)> = values
            .iter()
            .enumerate()
            .map(|(i, v)| (i as f64, *v))
            .collect();
        chart
            .draw_series(LineSeries::new(points.clone(), colour.stroke_width(2)))
            .map_err(|e| failed(e.to_string()))?
            .label(series.query.clone())
            .legend(move |(x, y)| {
                PathElement::new(vec![(x, y), (x + 20, y)], colour.stroke_width(2))
            });
        chart
            .draw_series(
                points
                    .into_iter()
                    .map(|p| Circle::new(p, 3, colour.filled())),
            )
            .map_err(|e| failed(e.to_string()))?;
    }
    chart
        .configure_series_labels()
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK)
        .label_font(("sans-serif", 15))
        .position(SeriesLabelPosition::UpperRight)
        .draw()
        .map_err(|e| failed(e.to_string()))?;
    root.present().map_err(|e| failed(e.to_string()))?;
    Ok(())
}
