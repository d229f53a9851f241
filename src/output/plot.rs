//! A trend as a chart: one line per query, the buckets along the x axis, the count, share or
//! sum up the y axis, both axes labelled, a legend naming the queries. As SVG (vector
//! output that prints sharply in a paper) or as PNG (for word processors and slides),
//! drawn by one function on either of plotters' backends.

use crate::error::FyndError;
use crate::views::trend::Trend;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::{register_font, FontStyle};
use std::path::Path;
use std::sync::Once;

/// Width and height of the chart, in SVG pixels.
const SIZE: (u32, u32) = (960, 540);

/// How many pixels a PNG has per SVG pixel: sharp enough to print at a column's width.
const PNG_SCALE: u32 = 2;

/// DejaVu Sans (Bitstream Vera licence, `LICENSES/DejaVu-Bitstream-Vera.txt`): the font a
/// PNG's text is drawn in, shipped so that a chart looks the same on every machine and
/// has å, ä and ö.
const FONT: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");

/// The chart formats `--plot` writes, by the file's extension.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PlotFormat {
    /// Vector graphics.
    Svg,
    /// A bitmap, [`PNG_SCALE`] times the SVG's size.
    Png,
}

impl PlotFormat {
    /// The format named by `path`'s extension (`.svg` or `.png`, any case), or an error
    /// saying what to write instead.
    pub fn of(path: &Path) -> Result<PlotFormat, FyndError> {
        let ext = path
            .extension()
            .map(|ext| ext.to_string_lossy().to_lowercase());
        match ext.as_deref() {
            Some("svg") => Ok(PlotFormat::Svg),
            Some("png") => Ok(PlotFormat::Png),
            _ => Err(FyndError::BadView {
                option: "--plot".into(),
                message: format!(
                    "{} is neither .svg nor .png: fynd draws charts as SVG or PNG (write --plot chart.svg or --plot chart.png)",
                    path.display()
                ),
            }),
        }
    }
}

/// Draws `trend` into `path`, as SVG or PNG by its extension ([`PlotFormat::of`]).
pub fn write_trend(trend: &Trend, path: &Path) -> Result<(), FyndError> {
    let format = PlotFormat::of(path)?;
    // Both backends measure text with the registered font (SVG to lay out the labels).
    static REGISTERED: Once = Once::new();
    REGISTERED.call_once(|| {
        // The font is valid TrueType, shipped with fynd; registering cannot fail on it,
        // and a failure would only leave the text undrawn.
        let _ = register_font("sans-serif", FontStyle::Normal, FONT);
    });
    let failed = |err: String| FyndError::Io {
        path: path.to_path_buf(),
        source: std::io::Error::other(err),
    };
    match format {
        PlotFormat::Svg => {
            let root = SVGBackend::new(path, SIZE).into_drawing_area();
            draw(trend, &root, 1).map_err(failed)?;
            root.present().map_err(|e| failed(e.to_string()))
        }
        PlotFormat::Png => {
            let (width, height) = (SIZE.0 * PNG_SCALE, SIZE.1 * PNG_SCALE);
            let mut pixels = vec![0u8; (width * height * 3) as usize];
            {
                let root =
                    BitMapBackend::with_buffer(&mut pixels, (width, height)).into_drawing_area();
                draw(trend, &root, PNG_SCALE).map_err(|e| failed(e.to_string()))?;
                root.present().map_err(|e| failed(e.to_string()))?;
            }
            let file = std::fs::File::create(path).map_err(|source| FyndError::Io {
                path: path.to_path_buf(),
                source,
            })?;
            let mut encoder = png::Encoder::new(std::io::BufWriter::new(file), width, height);
            encoder.set_color(png::ColorType::Rgb);
            encoder.set_depth(png::BitDepth::Eight);
            let mut writer = encoder.write_header().map_err(|e| failed(e.to_string()))?;
            writer
                .write_image_data(&pixels)
                .map_err(|e| failed(e.to_string()))?;
            writer.finish().map_err(|e| failed(e.to_string()))
        }
    }
}

/// Colours of the series, in order (distinct in print and for common colour blindness).
const COLOURS: [RGBColor; 6] = [
    RGBColor(0, 114, 178),
    RGBColor(213, 94, 0),
    RGBColor(0, 158, 115),
    RGBColor(204, 121, 167),
    RGBColor(86, 180, 233),
    RGBColor(230, 159, 0),
];

/// Draws `trend` on `root`, every length times `scale` (1 for SVG pixels).
fn draw<DB: DrawingBackend>(
    trend: &Trend,
    root: &DrawingArea<DB, Shift>,
    scale: u32,
) -> Result<(), String> {
    let px = |n: u32| n * scale;
    let failed = |e: DrawingAreaErrorKind<DB::ErrorType>| e.to_string();
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
    root.fill(&WHITE).map_err(failed)?;
    let title = trend
        .series
        .iter()
        .map(|s| format!("“{}”", s.query))
        .collect::<Vec<_>>()
        .join(", ");
    let mut chart = ChartBuilder::on(root)
        .caption(title, ("sans-serif", px(22)))
        .margin(px(16))
        .x_label_area_size(px(if trend.by.contains("year") { 48 } else { 110 }))
        .y_label_area_size(px(80))
        .build_cartesian_2d(-0.5f64..(n as f64 - 0.5), 0f64..top)
        .map_err(failed)?;
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
        .axis_desc_style(("sans-serif", px(16)))
        .label_style(("sans-serif", px(13)))
        .light_line_style(WHITE.mix(0.0))
        .draw()
        .map_err(failed)?;
    for (s, (series, values)) in trend.series.iter().zip(&values).enumerate() {
        let colour = COLOURS[s % COLOURS.len()];
        let points: Vec<(f64, f64)> = values
            .iter()
            .enumerate()
            .map(|(i, v)| (i as f64, *v))
            .collect();
        chart
            .draw_series(LineSeries::new(points.clone(), colour.stroke_width(px(2))))
            .map_err(failed)?
            .label(series.query.clone())
            .legend(move |(x, y)| {
                PathElement::new(
                    vec![(x, y), (x + px(20) as i32, y)],
                    colour.stroke_width(px(2)),
                )
            });
        chart
            .draw_series(
                points
                    .into_iter()
                    .map(|p| Circle::new(p, px(3), colour.filled())),
            )
            .map_err(failed)?;
    }
    chart
        .configure_series_labels()
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK)
        .label_font(("sans-serif", px(15)))
        .legend_area_size(px(30))
        .position(SeriesLabelPosition::UpperRight)
        .draw()
        .map_err(failed)?;
    Ok(())
}
