fn main() {
    println!("hello from cargo_package");
}
