// A Go client of guru-server, built by go_client_test.sh against stubs that
// protoc-gen-go (Debian's protoc-gen-go-1-3, plugins=grpc) generates from
// proto/ at test time, each at the import path its go_package names:
//
//	guru.invalid/search/gen/go/guru/v1                  GuruSearch
//	google.golang.org/grpc/health/grpc_health_v1        Health
//	google.golang.org/grpc/reflection/grpc_reflection_v1 ServerReflection
//
// It waits for the server to report SERVING (Health.Check, the whole server
// and guru.v1.GuruSearch), asks the marathon question with GuruSearch.Search
// and checks the best answer, and lists the services with reflection v1.
// Exits 0 when every check passes, 1 otherwise.
//
//	guru-go-client -addr 127.0.0.1:PORT
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"sort"
	"time"

	guruv1 "guru.invalid/search/gen/go/guru/v1"

	"google.golang.org/grpc"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	reflectionpb "google.golang.org/grpc/reflection/grpc_reflection_v1"
)

const (
	seedQuestion = "since the marathon my left knee hurts when I run for more than 5 minutes"
	seedTitle    = "Knee pain post marathon"
	serviceName  = "guru.v1.GuruSearch"
	// Generous, for the sanitizer build.
	stepTimeout = 60 * time.Second
	callTimeout = 30 * time.Second
)

func fail(format string, args ...interface{}) {
	fmt.Fprintf(os.Stderr, "go client: FAIL: "+format+"\n", args...)
	os.Exit(1)
}

// waitServing calls Health.Check for `service` until it answers SERVING.
func waitServing(health healthpb.HealthClient, service string) {
	deadline := time.Now().Add(stepTimeout)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		resp, err := health.Check(ctx, &healthpb.HealthCheckRequest{Service: service})
		cancel()
		if err == nil && resp.GetStatus() == healthpb.HealthCheckResponse_SERVING {
			fmt.Printf("go client: health %q: %s\n", service, resp.GetStatus())
			return
		}
		if time.Now().After(deadline) {
			fail("health %q: not SERVING after %s (status %s, error %v)",
				service, stepTimeout, resp.GetStatus(), err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func search(client guruv1.GuruSearchClient) {
	ctx, cancel := context.WithTimeout(context.Background(), callTimeout)
	defer cancel()
	resp, err := client.Search(ctx, &guruv1.SearchRequest{Query: seedQuestion, Limit: 5})
	if err != nil {
		fail("Search: %v", err)
	}
	if len(resp.GetResults()) == 0 {
		fail("Search: no results (answer status %s)", resp.GetAnswerStatus())
	}
	for i, r := range resp.GetResults() {
		fmt.Printf("go client: %d. %s (%s, %.3f)\n", i+1, r.GetPost().GetTitle(),
			r.GetPost().GetId(), r.GetScore())
	}
	if got := resp.GetResults()[0].GetPost().GetTitle(); got != seedTitle {
		fail("Search: first result %q, want %q", got, seedTitle)
	}
	if resp.GetAnswerStatus() == guruv1.AnswerStatus_NO_MATCH {
		fail("Search: answer status NO_MATCH with results")
	}
	fmt.Printf("go client: answer status %s\n", resp.GetAnswerStatus())
}

// listServices asks reflection v1 for the server's services.
func listServices(conn *grpc.ClientConn) {
	ctx, cancel := context.WithTimeout(context.Background(), callTimeout)
	defer cancel()
	stream, err := reflectionpb.NewServerReflectionClient(conn).ServerReflectionInfo(ctx)
	if err != nil {
		fail("reflection v1: %v", err)
	}
	err = stream.Send(&reflectionpb.ServerReflectionRequest{
		MessageRequest: &reflectionpb.ServerReflectionRequest_ListServices{ListServices: ""},
	})
	if err != nil {
		fail("reflection v1: send: %v", err)
	}
	resp, err := stream.Recv()
	if err != nil {
		fail("reflection v1: receive: %v", err)
	}
	stream.CloseSend()
	var names []string
	for _, s := range resp.GetListServicesResponse().GetService() {
		names = append(names, s.GetName())
	}
	sort.Strings(names)
	fmt.Printf("go client: services %v\n", names)
	for _, want := range []string{serviceName, "grpc.health.v1.Health",
		"grpc.reflection.v1.ServerReflection"} {
		found := false
		for _, name := range names {
			found = found || name == want
		}
		if !found {
			fail("reflection v1: %s not listed in %v", want, names)
		}
	}
}

func main() {
	addr := flag.String("addr", "", "guru-server's gRPC address, HOST:PORT")
	flag.Parse()
	if *addr == "" {
		fail("-addr is required")
	}
	ctx, cancel := context.WithTimeout(context.Background(), stepTimeout)
	conn, err := grpc.DialContext(ctx, *addr, grpc.WithInsecure(), grpc.WithBlock())
	cancel()
	if err != nil {
		fail("connect to %s: %v", *addr, err)
	}
	defer conn.Close()

	health := healthpb.NewHealthClient(conn)
	waitServing(health, "")
	waitServing(health, serviceName)
	search(guruv1.NewGuruSearchClient(conn))
	listServices(conn)
	fmt.Println("go client: OK")
}
