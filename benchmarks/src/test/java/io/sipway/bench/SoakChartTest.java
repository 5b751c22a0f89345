package io.sipway.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The soak's chart from the rows benchmarks/soak.sh writes. */
class SoakChartTest {
    private static final String HEADER =
            "seconds,phase,rss_kib,transactions,connections,ws_connections,contacts,udp_ok,udp_failed,tcp_ok,tcp_failed,wss_ok,wss_failed,reconnects";

    @Test
    void drawsFourPanelsOfTheRowsBesideTheCsv(@TempDir Path dir) throws Exception {
        Path csv = dir.resolve("soak.csv");
        Files.write(csv, List.of(HEADER,
                "0,before,204800,0,10,10,10,0,0,0,0,0,0,0",
                "10,load,307200,120,12,11,10,300,0,200,0,100,0,4",
                "20,load,308224,118,12,11,10,600,0,400,0,200,0,9",
                "35,after,300000,0,10,10,10,600,0,400,0,200,0,10",
                "40,gone,290000,-1,0,0,10,600,0,400,0,200,0,10"));

        SoakChart.main(new String[] {csv.toString()});

        BufferedImage png = ImageIO.read(dir.resolve("soak.png").toFile());
        assertThat(png).isNotNull();
        assertThat(png.getWidth()).isEqualTo(2 * 700);
        assertThat(png.getHeight()).isEqualTo(2 * 420);
    }

    @Test
    void theCallRateIsTheGrowthOfTheCountPerSecondBetweenRows() {
        assertThat(SoakChart.perSecond(new double[] {0, 10, 20, 35}, new double[] {0, 300, 600, 600}))
                .containsExactly(0, 30, 30, 0);
    }

    @Test
    void columnsAreTakenByTheHeadersNames() {
        var col = SoakChart.columns(List.of(HEADER, "10,load,307200,120,12,11,10,300,0,200,0,100,0,4"));

        assertThat(col.get("rss_kib")).containsExactly(307200);
        assertThat(col.get("wss_ok")).containsExactly(100);
        assertThat(col.get("phase")).containsExactly(0);
    }
}
